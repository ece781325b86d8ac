-- expect: forbidden
local f = assert(load("\27Lua\84\0"))
