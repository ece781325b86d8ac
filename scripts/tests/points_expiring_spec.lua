-- Spec for points_expiring.lua: a reminder with a small coupon when points are about to
-- expire; the coupon is bigger when the points already pay the most a 99 basket allows.
-- Run: crescent test scripts/tests/points_expiring_spec.lua

spec {
  script = "../points_expiring.lua",
  at     = "2026-03-01 10:00",
  days   = 2,
}

member { id = 1, name = "Gil Qi", points = 2500, consent = { "push" } }
member { id = 2, name = "Hua Ren", points = 800, consent = { "sms" } }
member { id = 3, name = "Ian Shi", points = 300, consent = { "push" } }
member { id = 4, name = "Jo Tao", points = 1980, consent = { "inapp" } }   -- exactly the 20% cap of 99
member { id = 5, name = "Kim Wan", points = 1200 }                          -- no consent

event { member = 1, kind = "points_expiring", day = 0 }
event { member = 2, kind = "points_expiring", day = 0 }
event { member = 3, kind = "points_expiring", day = 0 }
event { member = 4, kind = "points_expiring", day = 1 }
event { member = 5, kind = "points_expiring", day = 1 }

-- WHO: a balance of at least 500 points.
expect { member = 1, in_segment = "points_holders" }
expect { member = 3, not_in_segment = "points_holders", enters = false }

-- WHAT: 1,980 points or more pay 19.80 of a 99 basket (the cap), so 15 off 99; else 10 off 59.
expect { member = 1, offer = "Use your points 15 off 99", channel = "push" }
expect { member = 4, offer = "Use your points 15 off 99", channel = "inapp", day = 1 }
expect { member = 2, offer = "Use your points 10 off 59", channel = "sms" }
expect { member = 2, message = "Hua, 800 points expire in 14 days. Use them as cash — plus 10 off over 59." }

expect { member = 5, suppressed = "no_consent" }
