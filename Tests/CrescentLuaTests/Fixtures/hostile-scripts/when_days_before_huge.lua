-- expect: validation line 7
-- problem: playbook "p": field `when.days_before` must be a whole number of days from 0 to 3650
-- problem: playbook "p" when: field `within_days` is infinite
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "care", audience = "everyone", channels = "sms",
  when = { trigger = "birthday", days_before = 1e12, within_days = 1/0 },
}
