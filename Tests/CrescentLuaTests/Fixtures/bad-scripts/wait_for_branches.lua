-- expect: validation
-- problem at 13: field `wait_for.event`: unknown event "paymnet", did you mean "payment"?
-- problem at 14: field `on_event`: no step named "thank_yu", did you mean "thank_you"?
-- problem at 15: field `channels`: a step with `wait_for` sends nothing
-- problem at 18: field `next`: step "coupon" comes before this one
-- problem at 21: field `on_timeout` needs `wait_for = { event = "payment", within_days = 3 }` on the same step
-- problem at 22: field `wait_for.within_days` must be a whole number of days from 1 to 365
segment "everyone" { where = function(m) return true end }
playbook "branches" {
  goal = "activate", audience = "everyone", channels = { "sms" }, when = { trigger = "signup" },
  steps = {
    { name = "coupon" },
    { name = "wait", wait_for = { event = "paymnet", within_days = 3 },
      on_event = "thank_yu",
      channels = "sms" },
    { name = "nudge",
      after_days = 3,
      next = "coupon" },
    { name = "thank_you" },
    { name = "late",
      on_timeout = "exit" },
    { name = "wait2", wait_for = { event = "payment", within_days = 400 } },
  },
}
