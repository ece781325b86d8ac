-- expect: validation
-- problem at 10: unknown field `wieght`, did you mean `weight`?
-- problem at 10: missing field `weight`
segment "everyone" { where = function(m) return true end }
playbook "ab_fields" {
  goal = "care", audience = "everyone", channels = { "sms" },
  when = { at = "2026-01-01 10:00" },
  variants = {
    { name = "a", weight = 0.5, offer = coupon { off = 5, min_spend = 30 } },
    { name = "b", wieght = 0.5,
      offer = coupon { off = 10, min_spend = 60 } },
  },
}
