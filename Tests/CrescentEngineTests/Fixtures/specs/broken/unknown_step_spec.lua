-- An expectation about a step the playbook does not have (line 7): exit 2, did you mean.
spec { script = "../../../../../scripts/winback_silent.lua", at = "1998-07-01 10:00" }
member { id = 1, consent = { "sms" }, orders = { { at = "1998-01-01", amount = 10 } } }
expect { member = 1, in_segment = "lapsed_buyers", enters = false }


expect { member = 1, step = "push_remider", sent = false }
