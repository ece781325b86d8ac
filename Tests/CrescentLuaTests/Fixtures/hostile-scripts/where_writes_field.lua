-- expect: runtime line 7
-- phase: segment s
-- member: 1000
-- problem: member views are read-only (cannot set `m.orders`)
segment "s" {
  where = function(m)
    m.orders = 0
    return true
  end,
}
