-- expect: runtime line 7
-- problem: coupon: field `off` is not a number (NaN
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  offer = coupon { off = 0/0 },
}
