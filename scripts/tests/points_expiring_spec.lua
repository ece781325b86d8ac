-- Spec for points_expiring.lua: 14 days before some of a member's points expire (the date
-- scene the engine generates from the points lots), a reminder with a small coupon; the
-- coupon is bigger when the points already pay the most a 99 basket allows.
-- Run: crescent test scripts/tests/points_expiring_spec.lua

spec {
  script = "../points_expiring.lua",
  at     = "2026-03-01 10:00",
  days   = 3,
}

member { id = 1, name = "Gil Qi", points = 2500, consent = { "push" }, points_expiring = { { on = "2026-03-15", points = 900 } } }
member { id = 2, name = "Hua Ren", points = 800, consent = { "sms" }, points_expiring = { { on = "2026-03-15" } } }
member { id = 3, name = "Ian Shi", points = 300, consent = { "push" }, points_expiring = { { on = "2026-03-15" } } }
member { id = 4, name = "Jo Tao", points = 1980, consent = { "inapp" },       -- exactly the 20% cap of 99
         points_expiring = { { on = "2026-03-16", points = 500 } } }
member { id = 5, name = "Kim Wan", points = 1200, points_expiring = { { on = "2026-03-16" } } }   -- no consent
member { id = 6, name = "Lu Xin", points = 5000, consent = { "push" } }        -- nothing expires soon

-- WHO: a balance of at least 500 points.
expect { member = 1, in_segment = "points_holders" }
expect { member = 3, not_in_segment = "points_holders", enters = false }

-- WHEN: 14 days before a lot expires.
expect { member = 1, day = 0 }                  -- lot expires 15 March
expect { member = 4, day = 1 }                  -- lot expires 16 March
expect { member = 6, in_segment = "points_holders", enters = false }

-- WHAT: 1,980 points or more pay 19.80 of a 99 basket (the cap), so 15 off 99; else 10 off 59.
expect { member = 1, offer = "Use your points 15 off 99", channel = "push" }
expect { member = 4, offer = "Use your points 15 off 99", channel = "inapp" }
expect { member = 2, offer = "Use your points 10 off 59", channel = "sms" }
expect { member = 2, message = "Hua, 800 points expire in 14 days. Use them as cash — plus 10 off over 59." }

expect { member = 5, suppressed = "no_consent", day = 1 }
