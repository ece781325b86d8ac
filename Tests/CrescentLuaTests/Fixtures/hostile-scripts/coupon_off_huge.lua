-- expect: validation line 7
-- problem: coupon: field `off` must be at most 10000000000, got 1e+300
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  offer = coupon { off = 1e300 },
}
