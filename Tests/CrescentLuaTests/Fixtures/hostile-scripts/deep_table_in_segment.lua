-- expect: validation line 5
-- problem: segment "deep": field `rfm` is nested more than 64 levels deep
local deep = {}
for i = 1, 100000 do deep = { deep } end
segment "deep" { description = "x", rfm = deep }
