-- expect: runtime line 7
-- problem: coupon: field names starting with `$` are reserved
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  offer = coupon { off = 5, ["$id"] = 7 },
}
