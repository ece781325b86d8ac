-- expect: validation
-- problem at 17: playbook "p": field `when.trigger`: unknown trigger "paymnt", did you mean "payment"?
-- problem at 18: playbook "p": unknown channel "sns", did you mean "sms"?
-- problem at 20: playbook "p" budget: unknown field `platform_shar`, did you mean `platform_share`?
-- problem at 23: playbook "p" step 1: message uses unknown variable `{{frist_name}}`, did you mean `{{first_name}}`?
-- problem at 25: playbook "p" step 2: unknown field `only_iff`, did you mean `only_if`?
-- problem at 27: playbook "p": expect: unknown metric `rio`, did you mean `roi`?
-- Every problem is reported on the line of its own field, however deep, not where `playbook` starts.
segment "all" {
  lifecycle = "silent",
}

playbook "p" {
  description = "one mistake per nested field",
  goal = "retain",
  audience = "all",
  when = { trigger = "paymnt" },
  channels = { "sms", "sns" },
  budget = { total = 100,
             platform_shar = 0.1 },
  steps = {
    { after_days = 0,
      message = "{{frist_name}}, hello" },
    { after_days = 3,
      only_iff = "not_redeemed" },
  },
  expect = { rio = ">= 1" },
}
