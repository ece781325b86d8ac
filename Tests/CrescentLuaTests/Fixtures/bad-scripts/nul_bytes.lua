-- expect: result
return "abc\0def"
