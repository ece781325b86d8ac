-- Spec for activate_first_order.lua: a second-order coupon right after the first payment,
-- sized by the first basket.
-- Run: crescent test scripts/tests/activate_first_order_spec.lua
--
-- The audience is evaluated on the spec's day from the history before it, so each first
-- order is in the history and its `payment` event arrives on day 0.

spec {
  script = "../activate_first_order.lua",
  at     = "2026-03-01 10:00",
  days   = 3,
}

member { id = 1, name = "Nia Bo", consent = { "inapp", "sms" }, orders = { { at = "2026-02-28 18:00", amount = 60 } } }
member { id = 2, name = "Oli Fu", consent = { "push", "sms" }, orders = { { at = "2026-02-27 12:00", amount = 150 } } }
member { id = 3, name = "Pat Ge", consent = { "inapp" },
         orders = { { at = "2026-02-10", amount = 40 }, { at = "2026-02-25", amount = 40 } } }
member { id = 4, name = "Quin Ha", consent = { "inapp" }, orders = { { at = "2026-01-01", amount = 99 } } }
member { id = 5, name = "Ray Jo", orders = { { at = "2026-02-28", amount = 70 } } }  -- consented to nothing
member { id = 6, name = "Sue Ko", consent = { "sms" }, orders = { { at = "2026-02-26", amount = 50 } } }

event { member = 1, kind = "payment", day = 0, time = "12:30" }
event { member = 2, kind = "payment", day = 0, time = "13:00" }
event { member = 3, kind = "payment", day = 0 }
event { member = 5, kind = "payment", day = 1 }

-- WHO: exactly one order, placed in the last 30 days.
expect { member = 1, in_segment = "first_order_just_paid" }
expect { member = 3, not_in_segment = "first_order_just_paid", enters = false }   -- two orders
expect { member = 4, not_in_segment = "first_order_just_paid" }                   -- first order 59 days ago

-- WHAT and WHERE: the threshold follows the first basket (aov below 80 or not).
expect { member = 1, offer = "2nd order 10 off 89", channel = "inapp", day = 0 }
expect { member = 2, offer = "2nd order 15 off 129", channel = "push" }
expect { member = 1, message = "Thanks for your first order, Nia! 10 yuan off your next one over 89 — valid 14 days." }

-- Suppressed: no channel the member consented to.
expect { member = 5, suppressed = "no_consent", day = 1 }

-- The trigger: no payment event, no journey.
expect { member = 6, in_segment = "first_order_just_paid", enters = false }
