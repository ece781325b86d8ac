-- Spec for winback_silent.lua: who the win-back reaches, which coupon, and the three-touch
-- journey over the days after 1998-07-01 (a payment ends it; the reminders go to the rest).
-- Run: crescent test scripts/tests/winback_silent_spec.lua

spec {
  script = "../winback_silent.lua",
  at     = "1998-07-01 10:00",
}

-- Eight buyers, so the RFM monetary scores (quintiles) come out as: Ann 5, Bo and Gus 4,
-- Cy 3, the rest 1–2. History before 1998-07-01 is what the scripts see.
member { id = 1, name = "Ann Lee", consent = { "sms", "push", "email" },
         orders = { { at = "1997-11-10", amount = 150 }, { at = "1998-02-01", amount = 150 } } }
member { id = 2, name = "Bo Chen", consent = { "sms", "push", "email" },
         orders = { { at = "1997-10-05", amount = 120 }, { at = "1998-01-20", amount = 130 } } }
member { id = 3, name = "Cy Wu", consent = { "sms" },
         orders = { { at = "1997-09-01", amount = 90 }, { at = "1998-02-15", amount = 100 } } }
member { id = 4, name = "Di Ma", consent = { "sms" },
         orders = { { at = "1998-06-01", amount = 40 }, { at = "1998-06-20", amount = 60 } } }
member { id = 5, name = "Ed Xu", consent = { "sms" }, orders = { { at = "1998-03-01", amount = 20 } } }
member { id = 6, name = "Gus Li", consent = { "email" },   -- high value, but no SMS consent
         orders = { { at = "1997-12-01", amount = 130 }, { at = "1998-03-01", amount = 130 } } }
member { id = 7, name = "Hal Yu", consent = { "sms" },
         orders = { { at = "1998-06-10", amount = 30 }, { at = "1998-06-25", amount = 30 } } }
member { id = 8, name = "Ivy He", consent = { "sms" }, orders = { { at = "1998-05-01", amount = 40 } } }

-- Ann comes back on day 2 with an 80 yuan order.
order { member = 1, day = 2, amount = 80 }

-- WHO
expect { member = 1, in_segment = "silent_high_value" }
expect { member = 2, in_segment = "silent_high_value" }
expect { member = 3, in_segment = "lapsed_buyers", not_in_segment = "high_value" }
expect { member = 3, enters = false }
expect { member = 4, not_in_segment = "lapsed_buyers" }     -- still buying: not lapsed
expect { member = 5, not_in_segment = "lapsed_buyers" }     -- one order is no habit

-- WHAT, WHERE, WHEN: the coupon follows the monetary score, by SMS on day 0.
expect { member = 1, step = "sms_coupon", offer = "Come back 15 off 60", channel = "sms", day = 0 }
expect { member = 2, step = "sms_coupon", offer = "Come back 10 off 50", channel = "sms" }
expect { member = 2, step = "sms_coupon",
         message = "Bo, we miss you! 10 off any order over 50, valid 14 days." }

-- Gus is in the audience but only reachable by e-mail; the first step is SMS only.
expect { member = 6, in_segment = "silent_high_value", suppressed = "no_consent", exits = "no_consent" }

-- The journey over the days: Ann paid on day 2, so the day-3 reminder is not sent.
expect { member = 1, exits = "payment" }
expect { member = 1, step = "push_reminder", sent = false }
expect { member = 1, step = "email_last_chance", sent = false }
-- Bo did not pay: the push reminder on day 3, the e-mail on day 7.
expect { member = 2, step = "push_reminder", sent = true, channel = "push", day = 3,
         message_contains = "coupon is still waiting" }
expect { member = 2, step = "email_last_chance", channel = "email", day = 7 }
expect { member = 2, exits = false }
