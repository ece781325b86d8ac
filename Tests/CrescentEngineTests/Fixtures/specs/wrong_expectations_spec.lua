-- A spec of winback_silent.lua with three deliberately wrong expectations (lines 13, 14
-- and 16); SpecCLITests expects `crescent test` to exit 1 and name each file:line.
spec {
  script = "../../../../scripts/winback_silent.lua",
  at     = "1998-07-01 10:00",
}
member { id = 1, name = "Ann Lee", consent = { "sms", "push", "email" },
         orders = { { at = "1997-11-10", amount = 150 }, { at = "1998-02-01", amount = 150 } } }
member { id = 2, name = "Bo Chen", consent = { "sms" }, orders = { { at = "1998-06-01", amount = 20 } } }
member { id = 3, name = "Cy Wu", consent = { "sms" }, orders = { { at = "1998-06-11", amount = 30 } } }
order { member = 1, day = 2, amount = 80 }
expect { member = 1, in_segment = "silent_high_value" }                             -- right
expect { member = 1, step = "sms_coupon", offer = "Come back 15 off 60" }            -- wrong: m = 4 of 3 buyers
expect { member = 1, step = "push_reminder", sent = true }                           -- wrong: she paid on day 2
expect { member = 1, exits = "payment" }                                             -- right
expect { member = 2, in_segment = "silent_high_value" }                              -- wrong: still buying
