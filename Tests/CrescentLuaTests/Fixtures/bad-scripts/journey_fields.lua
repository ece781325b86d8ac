-- expect: validation
-- problem at 9: field `reentry`: unknown value "aftr_exit", did you mean "after_exit"?
-- problem at 10: field `exit_on`: unknown event "paymnt", did you mean "payment"?
-- problem at 11: field `quiet_hours`: unknown value "wait"
segment "everyone" { where = function(m) return true end }
playbook "journey_typos" {
  goal = "retain", audience = "everyone", channels = { "sms" },
  when = { at = "2026-12-01 10:00" },
  reentry = "aftr_exit",
  exit_on = { "paymnt" },
  quiet_hours = "wait",
}
