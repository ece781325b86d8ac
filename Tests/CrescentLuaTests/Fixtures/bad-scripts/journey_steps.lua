-- expect: validation
-- problem at 11: field `only_if`: unknown condition "not_redeemd", did you mean "not_redeemed"?
-- problem at 11: field `after_hours` must be from 0 to 23
-- problem at 8: trigger "holiday" needs `dates`, the days of the script's holiday calendar
segment "everyone" { where = function(m) return true end }
playbook "journey_steps" {
  goal = "care", audience = "everyone", channels = { "sms" },
  when = { trigger = "holiday" },
  steps = {
    { name = "hello", after_days = 0 },
    { name = "again", after_days = 1, after_hours = 30, only_if = "not_redeemd" },
  },
}
