-- expect: validation line 7
-- problem: playbook "p": field `budget` is infinite
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  budget = 1/0,
}
