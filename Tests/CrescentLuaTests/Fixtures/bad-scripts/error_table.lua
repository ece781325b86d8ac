-- expect: runtime
error({ code = 42 })
