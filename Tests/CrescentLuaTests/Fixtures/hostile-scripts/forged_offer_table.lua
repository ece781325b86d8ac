-- expect: validation line 7
-- problem: playbook "p": field `offer`: names starting with `$` are reserved
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  offer = { ["$offer"] = "coupon", ["$id"] = 1, off = 5 },
}
