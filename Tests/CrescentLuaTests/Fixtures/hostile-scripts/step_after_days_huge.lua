-- expect: validation line 8
-- problem: playbook "p" step 2: field `after_days` must be from 0 to 3650
-- problem: playbook "p" step 3: field `after_days` is not a number (NaN
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  steps = { { after_days = 0 }, { after_days = 1e12 }, { after_days = 0/0 } },
}
