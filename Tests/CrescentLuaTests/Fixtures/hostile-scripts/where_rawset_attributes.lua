-- expect: runtime line 7
-- phase: segment s
-- member: 1000
-- problem: rawset on a read-only table is not allowed
segment "s" {
  where = function(m)
    rawset(m.attributes, "vip", "yes")
    return true
  end,
}
