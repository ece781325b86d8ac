-- expect: runtime
error(setmetatable({}, { __tostring = function() error("nested") end }))
