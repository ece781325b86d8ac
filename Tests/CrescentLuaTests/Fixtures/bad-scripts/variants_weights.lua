-- expect: validation
-- problem at 16: field `variants`: the weights add up to 0.9; they must add up to 1
-- problem at 24: field `offer`: declare the offer in each variant, not beside `variants`
-- problem at 27: field `name`: variant "a" is already declared as variants[1]; names must differ
-- problem at 28: field `weight` must be above 0, e.g. 0.5
-- problem at 29: field `offer` must be a function or offer, got a string
-- problem at 30: field `weight` must be at most 1, got 1.5
-- problem at 43: field `variants` needs at least two variants to compare
-- problem at 43: field `variants`: the playbook already splits its members between variants; declare them on the playbook or on its steps, not both
-- problem at 49: field `variants` must be a list of { name = "a", weight = 0.5, offer = … }
-- problem at 60: field `offer`: the playbook's variants give the first step's offer; drop this `offer` or declare the variants on the step
segment "everyone" { where = function(m) return true end }
playbook "ab_sum" {
  goal = "care", audience = "everyone", channels = { "sms" },
  when = { at = "2026-01-01 10:00" },
  variants = {
    { name = "a", weight = 0.5, offer = coupon { off = 5, min_spend = 30 } },
    { name = "b", weight = 0.4, offer = coupon { off = 10, min_spend = 60 } },
  },
}
playbook "ab_names" {
  goal = "care", audience = "everyone", channels = { "sms" },
  when = { at = "2026-01-01 10:00" },
  offer = coupon { off = 5, min_spend = 30 },
  variants = {
    { name = "a", weight = 0.5, offer = coupon { off = 5, min_spend = 30 } },
    { name = "a",
      weight = 0,
      offer = "ten off" },
    { name = "c", weight = 1.5, offer = function(m) return nil end },
  },
}
playbook "ab_steps" {
  goal = "care", audience = "everyone", channels = { "sms" },
  when = { at = "2026-01-01 10:00" },
  variants = {
    { name = "a", weight = 0.5, offer = coupon { off = 5, min_spend = 30 } },
    { name = "b", weight = 0.5, offer = coupon { off = 10, min_spend = 60 } },
  },
  steps = {
    { name = "first" },
    { name = "second", after_days = 2,
      variants = { { name = "c", weight = 1, offer = coupon { off = 3, min_spend = 20 } } } },
  },
}
playbook "ab_shape" {
  goal = "care", audience = "everyone", channels = { "sms" },
  when = { at = "2026-01-01 10:00" },
  variants = { a = { weight = 1 } },
}
playbook "ab_unused" {
  goal = "care", audience = "everyone", channels = { "sms" },
  when = { at = "2026-01-01 10:00" },
  variants = {
    { name = "a", weight = 0.5, offer = coupon { off = 5, min_spend = 30 } },
    { name = "b", weight = 0.5, offer = coupon { off = 10, min_spend = 60 } },
  },
  steps = {
    { name = "first",
      offer = coupon { off = 7, min_spend = 40 } },
  },
}
