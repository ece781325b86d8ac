-- expect: runtime line 7
-- phase: segment s
-- member: 1000
-- problem: member views are read-only (cannot set `m.consent.email`)
segment "s" {
  where = function(m)
    m.consent.email = true
    return true
  end,
}
