-- expect: runtime line 7
-- phase: segment s
-- member: 1000
-- problem: member views are read-only (cannot set `m.tags.vip`)
segment "s" {
  where = function(m)
    m.tags.vip = true
    return true
  end,
}
