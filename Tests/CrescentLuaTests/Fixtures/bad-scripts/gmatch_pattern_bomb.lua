-- expect: budget
for w in string.rep("a", 400):gmatch(".-.-.-.-b") do end
