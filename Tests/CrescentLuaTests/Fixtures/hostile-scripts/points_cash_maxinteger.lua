-- expect: runtime line 8
-- phase: segment s
-- member: 1000
-- problem: crm.points_cash: points must be at most 1000000000000
points_rule "club" { earn = 1 }
segment "s" {
  where = function(m)
    return crm.points_cash(math.maxinteger) > 0
  end,
}
