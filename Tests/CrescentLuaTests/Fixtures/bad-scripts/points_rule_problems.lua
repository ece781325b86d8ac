-- expect: validation
-- problem at 15: unknown field `expiry_day`, did you mean `expiry_days`?
-- problem at 11: multipliers[1]: field `weekdays`: unknown day "wensday", did you mean "wednesday"?
-- problem at 12: multipliers[2]: field `dates`: "11-11" is not a date; write "2026-11-11"
-- problem at 10: field `multipliers.factor` must be >= 1
-- problem at 14: field `activities.login` must be whole points, got a string
-- problem at 8: give one per-order cap: `cap` (yuan) or `cap_percent`, not both
points_rule "club" {
  earn = 1,
  multipliers = {
    { factor = 2, weekdays = { "wensday" } },
    { factor = 0, dates = "11-11" },
  },
  activities = { login = "five", game = 10 },
  expiry_day = 365,
  cap = 30,
  cap_percent = 50,
}
