-- Spec for winback_ab_test.lua: each member gets the offer of their sticky variant ("small"
-- or "big"), a sticky tenth is held out, and the reminder goes to those who did not pay.
-- Variants and the holdout are a hash of the member id and the playbook: members 1 and 2 are
-- in "small", 4 in "big", and 19 is held out (the same in every run and live).
-- Run: crescent test scripts/tests/winback_ab_test_spec.lua

spec {
  script = "../winback_ab_test.lua",
  at     = "1998-07-01 10:00",
}

-- Eight buyers, so the RFM monetary scores (quintiles) come out as: Ann 5, Bo and Gus 4,
-- Cy 3, the rest 1–2. History before 1998-07-01 is what the scripts see.
member { id = 1, name = "Ann Lee", consent = { "sms", "push" },
         orders = { { at = "1997-11-10", amount = 150 }, { at = "1998-02-01", amount = 150 } } }
member { id = 4, name = "Bo Chen", consent = { "sms", "push" },
         orders = { { at = "1997-10-05", amount = 120 }, { at = "1998-01-20", amount = 130 } } }
member { id = 3, name = "Cy Wu", consent = { "sms" },
         orders = { { at = "1997-09-01", amount = 90 }, { at = "1998-02-15", amount = 100 } } }
member { id = 2, name = "Di Ma", consent = { "sms" },
         orders = { { at = "1998-06-01", amount = 40 }, { at = "1998-06-20", amount = 60 } } }
member { id = 5, name = "Ed Xu", consent = { "sms" }, orders = { { at = "1998-03-01", amount = 20 } } }
member { id = 19, name = "Gus Li", consent = { "sms", "push" },
         orders = { { at = "1997-12-01", amount = 130 }, { at = "1998-03-01", amount = 130 } } }
member { id = 7, name = "Hal Yu", consent = { "sms" },
         orders = { { at = "1998-06-10", amount = 30 }, { at = "1998-06-25", amount = 30 } } }
member { id = 8, name = "Ivy He", consent = { "sms" }, orders = { { at = "1998-05-01", amount = 40 } } }

-- Ann comes back on day 2 with an 80 yuan order.
order { member = 1, day = 2, amount = 80 }

-- WHO
expect { member = 1, in_segment = "lapsed_high_value" }
expect { member = 4, in_segment = "lapsed_high_value" }
expect { member = 3, not_in_segment = "lapsed_high_value", enters = false }

-- WHAT: variant "small" is a formula (Ann, monetary score 5, gets the bigger of its two
-- coupons); variant "big" is one fixed coupon.
expect { member = 1, step = "sms_offer", offer = "Come back 15 off 60", channel = "sms", day = 0 }
expect { member = 4, step = "sms_offer", offer = "Come back 25 off 100", channel = "sms", day = 0,
         message = "Bo, we miss you! 25 off any order over 100." }

-- The holdout: Gus is in the audience, and gets nothing, on every run.
expect { member = 19, in_segment = "lapsed_high_value", suppressed = "holdout", exits = "holdout" }

-- Ann paid on day 2 and leaves; Bo gets the push reminder on day 3.
expect { member = 1, exits = "payment" }
expect { member = 1, step = "push_reminder", sent = false }
expect { member = 4, step = "push_reminder", sent = true, channel = "push", day = 3,
         message_contains = "25 off is still waiting" }
