-- Spec for member_day_double_points.lua: on the weekly member day, silver-and-up members
-- who bought in the last 90 days are told their purchases earn double points.
-- Run: crescent test scripts/tests/member_day_double_points_spec.lua

spec {
  script = "../member_day_double_points.lua",
  at     = "2026-03-04 10:00",            -- a Wednesday
  days   = 2,
}

member { id = 1, name = "Ada Jin", tier = "silver", consent = { "push", "inapp" },
         orders = { { at = "2026-02-20", amount = 200 } } }
member { id = 2, name = "Bob Kan", tier = "basic", consent = { "push" },
         orders = { { at = "2026-02-25", amount = 90 } } }
member { id = 3, name = "Cat Lu", tier = "gold", consent = { "push" },
         orders = { { at = "2025-10-01", amount = 500 } } }                    -- 154 days ago
member { id = 4, name = "Dov Min", tier = "platinum", consent = { "inapp" },
         orders = { { at = "2026-03-01", amount = 900 } } }
member { id = 5, name = "Eve Nie", tier = "gold", consent = { "push" },
         orders = { { at = "2026-02-14", amount = 300 } } }

-- The member_day scene arrives as an event (day 0 for most, day 1 for Dov).
event { member = 1, kind = "member_day", day = 0, time = "10:00" }
event { member = 2, kind = "member_day", day = 0, time = "10:00" }
event { member = 3, kind = "member_day", day = 0, time = "10:00" }
event { member = 4, kind = "member_day", day = 1, time = "10:00" }

-- WHO: silver, gold or platinum, and a purchase in the last 90 days.
expect { member = 1, in_segment = "tiered_recent_buyers" }
expect { member = 2, not_in_segment = "tiered_recent_buyers", enters = false }   -- basic tier
expect { member = 3, not_in_segment = "tiered_recent_buyers", enters = false }   -- last bought in October
expect { member = 4, in_segment = "platinum_members" }

-- WHAT and WHERE: double points, by push, else in-app.
expect { member = 1, offer = "Member day x2", channel = "push", day = 0 }
expect { member = 4, offer = "Member day x2", channel = "inapp", day = 1 }
expect { member = 1, message = "It's member day, Ada: every purchase today earns double points." }
-- A platinum member gets the `platinum_members` copy, not the default.
expect { member = 4, message = "Member day, Dov: double points today — and your platinum perks as always." }

-- No member_day event for Eve in these two days: no journey.
expect { member = 5, in_segment = "tiered_recent_buyers", enters = false }
