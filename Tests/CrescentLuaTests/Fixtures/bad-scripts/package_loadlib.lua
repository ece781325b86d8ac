-- expect: forbidden
return package.loadlib("libc.so.6", "system")
