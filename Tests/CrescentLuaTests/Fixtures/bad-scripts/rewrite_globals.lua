-- expect: ok
_G.print = nil
string = nil
pairs = function() error("hijacked") end
leaked_global = "secret"
return "rewrote"
