-- expect: validation
-- problem at 7: unknown field `holdot`, did you mean `holdout`?
segment "everyone" { where = function(m) return true end }
playbook "holdout_typo" {
  goal = "care", audience = "everyone", channels = { "sms" },
  when = { at = "2026-01-01 10:00" },
  holdot = 0.1,
}
