-- expect: runtime line 7
-- phase: segment s
-- member: 1000
-- problem: cannot change a protected metatable
segment "s" {
  where = function(m)
    setmetatable(m, nil)
    return true
  end,
}
