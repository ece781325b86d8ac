-- expect: budget
return (string.rep("a", 300):gsub(".-.-.-.-b", ""))
