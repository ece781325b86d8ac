-- expect: forbidden
math.randomseed(42)
