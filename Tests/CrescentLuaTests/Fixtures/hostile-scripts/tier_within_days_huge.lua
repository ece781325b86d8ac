-- expect: validation line 6
-- problem: tier "gold" entry: field `within_days` must be at most 36500, got 1000000000000
tier_ladder "club" {
  tiers = {
    { name = "basic", entry = { registration = true } },
    { name = "gold", entry = { spend = 1000, within_days = 1e12 } },
  },
}
