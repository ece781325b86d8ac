-- expect: runtime
local mt = getmetatable("")
mt.__index = { upper = function() return "pwned" end }
