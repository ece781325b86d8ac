-- expect: runtime
return string.rep("", 1e15)
