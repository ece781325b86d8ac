-- expect: runtime
rawset(math, "pi", 3)
