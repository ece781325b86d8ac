-- expect: ok
local s = string.rep("a", 2000000)
return s:find(string.rep("a", 1000000) .. "b", 1, true) == nil
