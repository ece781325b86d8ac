-- expect: budget
return string.rep("a", 300):find(".-.-.-.-b")
