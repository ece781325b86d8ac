-- Spec for tier_upgrade_nudge.lua: members close to the next tier (by the script's own
-- tier ladder, evaluated on the spec's day) get a coupon sized to get them there.
-- Run: crescent test scripts/tests/tier_upgrade_nudge_spec.lua

spec {
  script = "../tier_upgrade_nudge.lua",
  at     = "2026-06-01 10:00",
  days   = 2,
}

-- Ann: 17,100 yuan in the last year (gold; platinum needs 20,000).
member { id = 1, name = "Ann Bai", joined = "2025-01-10", consent = { "inapp" },
         orders = { { at = "2025-07-01", amount = 1900 }, { at = "2025-08-01", amount = 1900 },
                    { at = "2025-09-01", amount = 1900 }, { at = "2025-10-01", amount = 1900 },
                    { at = "2025-11-01", amount = 1900 }, { at = "2025-12-01", amount = 1900 },
                    { at = "2026-01-05", amount = 1900 }, { at = "2026-03-01", amount = 1900 },
                    { at = "2026-05-01", amount = 1900 } } }
-- Ben: 4,400 yuan (silver; gold needs 5,000).
member { id = 2, name = "Ben Cui", joined = "2025-01-10", consent = { "push" },
         orders = { { at = "2025-08-10", amount = 1100 }, { at = "2025-11-10", amount = 1100 },
                    { at = "2026-02-10", amount = 1100 }, { at = "2026-05-10", amount = 1100 } } }
-- Cai: silver with 1,500 yuan, far from gold.
member { id = 3, name = "Cai Dou", joined = "2025-01-10", consent = { "inapp" },
         orders = { { at = "2026-04-01", amount = 1500 } } }
member { id = 4, name = "Dai Er", joined = "2025-01-10", consent = { "inapp" }, orders = { { at = "2026-04-20", amount = 300 } } }
member { id = 5, name = "Eun Fu", joined = "2025-01-10", consent = { "inapp" },
         orders = { { at = "2026-01-20", amount = 1200 }, { at = "2026-03-20", amount = 1200 } } }

-- WHO: the ladder's tier decides, then the spend.
expect { member = 1, in_segment = "gold_near_platinum" }
expect { member = 2, in_segment = "silver_near_gold", not_in_segment = "gold_near_platinum" }
expect { member = 3, not_in_segment = "near_next_tier", enters = false }
expect { member = 4, not_in_segment = "near_next_tier", enters = false }

-- WHAT and WHERE: gold members aim at platinum (100 off 1000), silver at gold (30 off 300).
expect { member = 1, offer = "Platinum push 100 off 1000", channel = "inapp", day = 0 }
expect { member = 2, offer = "Gold push 30 off 300", channel = "push", day = 0 }
expect { member = 2, message = "Ben, you are close to the next tier! 30 off over 300 helps you get there." }
-- A gold member near platinum gets that segment's own copy.
expect { member = 1, message = "Ann, platinum is within reach: 100 off any order over 1000 this month." }
