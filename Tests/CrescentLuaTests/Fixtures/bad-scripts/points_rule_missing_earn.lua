-- expect: validation line 5
-- problem: points_rule "club": missing field `earn`
-- problem: multipliers[1]: needs `weekdays` or `dates`
-- problem: field `cap_percent` must be 1...100
points_rule "club" {
  multipliers = { { factor = 2 } },
  spend = 100,
  cap_percent = 150,
}
