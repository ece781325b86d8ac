-- expect: validation
-- problem at 9: field `timezone`: unknown time zone "Mars/Olympus"
-- problem at 8: field `when.days_before` must be a whole number of days from 0 to 3650
-- problem at 10: field `reentry.after_days` must be a whole number of days from 1 to 3650
segment "everyone" { where = function(m) return true end }
playbook "journey_numbers" {
  goal = "care", audience = "everyone", channels = { "sms" },
  when = { trigger = "birthday", days_before = -3 },
  timezone = "Mars/Olympus",
  reentry = { after_days = 0 },
}
