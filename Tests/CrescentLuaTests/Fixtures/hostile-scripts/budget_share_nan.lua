-- expect: validation line 7
-- problem: playbook "p" budget: field `platform_share` is not a number (NaN
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  budget = { total = 100, platform_share = 0/0 },
}
