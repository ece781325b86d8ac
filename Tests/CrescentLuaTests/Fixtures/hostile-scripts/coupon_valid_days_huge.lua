-- expect: validation line 7
-- problem: coupon: field `valid_days` must be at most 36500, got 1000000000000
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  offer = coupon { off = 5, valid_days = 1e12 },
}
