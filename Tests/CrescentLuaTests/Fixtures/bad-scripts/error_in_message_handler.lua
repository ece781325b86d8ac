-- expect: runtime
local ok, err = xpcall(function() error("first") end, function() error("in handler") end)
error("handler result: " .. tostring(err))
