-- expect: memory
return string.rep("x", 99999999)
