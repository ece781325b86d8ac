-- expect: validation line 7
-- problem: coupon: field `stock` must be a whole number, got 2.5
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  offer = coupon { off = 5, stock = 2.5 },
}
