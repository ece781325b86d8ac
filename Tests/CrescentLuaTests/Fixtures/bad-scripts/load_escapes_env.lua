-- expect: runtime
local f = load("return _G.string.upper")
local g = load("x = 1; return rawget(_G, 'x')")
assert(g() == 1)
string.upper = f
