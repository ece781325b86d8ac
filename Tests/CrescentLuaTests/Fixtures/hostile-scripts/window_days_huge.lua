-- expect: validation line 7
-- problem: playbook "p": field `window_days` must be at most 36500, got 1000000000000
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  window_days = 1e12,
}
