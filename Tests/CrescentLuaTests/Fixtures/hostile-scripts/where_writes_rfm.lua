-- expect: runtime line 7
-- phase: segment s
-- member: 1000
-- problem: member views are read-only (cannot set `m.rfm.m`)
segment "s" {
  where = function(m)
    m.rfm.m = 5
    return true
  end,
}
