-- expect: validation
-- problem at 7: field `holdout` must be a share from 0 up to (not including) 1, e.g. 0.1
segment "everyone" { where = function(m) return true end }
playbook "holdout_share" {
  goal = "care", audience = "everyone", channels = { "sms" },
  when = { at = "2026-01-01 10:00" },
  holdout = 1.5,
}
