-- expect: validation
-- problem at 7: unknown field `transactionl`, did you mean `transactional`?
-- problem at 12: field `transactional` must be a boolean, got a string
segment "everyone" { where = function(m) return true end }
playbook "receipt" {
  goal = "care", audience = "everyone", channels = { "sms" }, when = { at = "2026-01-01 10:00" },
  transactionl = true,
}
playbook "statement" {
  goal = "care", audience = "everyone", channels = { "sms" },
  when = { at = "2026-01-01 10:00" },
  transactional = "yes",
}
