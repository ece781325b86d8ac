-- expect: validation
-- problem at 5: points_rule "club": missing field `earn`
-- problem at 6: multipliers[1]: needs `weekdays` or `dates`
-- problem at 8: field `cap_percent` must be 1...100
points_rule "club" {
  multipliers = { { factor = 2 } },
  spend = 100,
  cap_percent = 150,
}
