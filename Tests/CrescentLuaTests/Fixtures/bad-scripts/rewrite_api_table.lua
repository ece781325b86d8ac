-- expect: runtime
string.format = function() return "pwned" end
