-- expect: validation line 7
-- problem: playbook "p" step 1: message has 4000 placeholders; a template holds at most 100
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  steps = { { after_days = 0, message = string.rep("{{}}", 4000) } },
}
