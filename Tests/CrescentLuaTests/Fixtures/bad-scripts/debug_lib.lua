-- expect: forbidden
return debug.getregistry()
