-- expect: forbidden
dofile("/etc/passwd")
