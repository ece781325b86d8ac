-- expect: result
return { msg = "\xff\xfe" }
