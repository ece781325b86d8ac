-- expect: validation line 6
-- problem: field `reentry`: unknown value "aftr_exit", did you mean "after_exit"?
-- problem: field `exit_on`: unknown event "paymnt", did you mean "payment"?
-- problem: field `quiet_hours`: unknown value "wait"
segment "everyone" { where = function(m) return true end }
playbook "journey_typos" {
  goal = "retain", audience = "everyone", channels = { "sms" },
  when = { at = "2026-12-01 10:00" },
  reentry = "aftr_exit",
  exit_on = { "paymnt" },
  quiet_hours = "wait",
}
