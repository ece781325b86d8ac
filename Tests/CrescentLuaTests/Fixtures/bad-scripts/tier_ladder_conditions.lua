-- expect: validation
-- problem at 10: tier "gold" entry rfm: unknown field `mm`, did you mean `m`?
-- problem at 10: field `rfm.r` must be a score 0...5, got 6
-- problem at 11: field `renewal` takes exactly one condition, got 2
-- problem at 9: field `within_days` is the window of `spend`, which is missing
tier_ladder "club" {
  tiers = {
    { name = "basic", entry = { registration = true } },
    { name = "silver", entry = { single_order = 500, within_days = 30 }, validity_days = 365 },
    { name = "gold", entry = { rfm = { r = 6, mm = 4 } }, validity_days = 365,
      renewal = { spend = 3000, single_order = 1000 } },
  },
}
