-- Spec for welcome_new_members.lua: a welcome coupon when a new member signs up, in-app
-- first, never during quiet hours; then a thank-you after a first order within 3 days, or
-- one SMS nudge when none comes.
-- Run: crescent test scripts/tests/welcome_new_members_spec.lua

spec {
  script = "../welcome_new_members.lua",
  at     = "2026-03-01 10:00",
  days   = 6,
}

member { id = 1, name = "Una Li", joined = "2026-02-27", consent = { "inapp", "sms" } }
member { id = 2, name = "Vic Mo", joined = "2026-02-25", consent = { "sms", "email" } }
member { id = 3, name = "Wes Ng", joined = "2026-02-01", consent = { "inapp" } }         -- joined 28 days ago
member { id = 4, name = "Xia Ou", joined = "2026-02-28", consent = { "inapp" },
         orders = { { at = "2026-02-28 15:00", amount = 120 } } }                         -- already ordered
member { id = 5, name = "Yan Pu", joined = "2026-02-28", consent = { "email" } }

event { member = 1, kind = "signup", day = 0 }
event { member = 2, kind = "signup", day = 0, time = "14:00" }
event { member = 3, kind = "signup", day = 0 }
event { member = 5, kind = "signup", day = 0, time = "23:00" }   -- in quiet hours (21:00–09:00)

-- WHO: prospects (no order yet) who joined in the last 7 days.
expect { member = 1, in_segment = "new_prospects" }
expect { member = 3, not_in_segment = "new_prospects", enters = false }
expect { member = 4, not_in_segment = "new_prospects" }

-- WHAT and WHERE: the one welcome coupon, in-app first, else SMS.
expect { member = 1, step = "welcome", offer = "Welcome 20 off 99", channel = "inapp", day = 0 }
expect { member = 2, offer = "Welcome 20 off 99", channel = "sms" }
expect { member = 1, message = "Welcome, Una! Here is 20 yuan off your first order over 99, valid 7 days." }

-- The journey over the days: Una orders on day 1, so she is thanked at once and never
-- nudged; Vic does not order, so the wait times out on day 3 and the nudge goes by SMS.
order { member = 1, day = 1, amount = 120, time = "15:00" }
expect { member = 1, step = "thank_you", channel = "inapp", day = 1,
         message = "Thanks for your first order, Una!" }
expect { member = 1, step = "nudge", sent = false }
expect { member = 2, step = "nudge", channel = "sms", day = 3,
         message_contains = "welcome coupon is still waiting" }
expect { member = 2, step = "thank_you", sent = false }

-- WHEN: a sign-up at 23:00 waits for the end of quiet hours (quiet_hours = "defer"): next day.
expect { member = 5, channel = "email", day = 1 }
