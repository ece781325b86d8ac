-- expect: forbidden
setmetatable({}, { __gc = function() error("in gc") end })
