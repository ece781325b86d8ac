-- expect: validation line 4
-- problem: playbook "p" step 2: field `after_days` must be at most 3650, got 1000000000000
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  steps = { { after_days = 0 }, { after_days = 1e12 } },
}
