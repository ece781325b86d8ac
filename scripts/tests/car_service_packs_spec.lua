-- Spec for car_service_packs.lua: the pack follows how often a car owner visits.
-- Run: crescent test scripts/tests/car_service_packs_spec.lua

spec {
  script = "../car_service_packs.lua",
  at     = "2026-03-01 09:00",
  days   = 2,
}

member { id = 1, name = "Al Chu", tags = { "car_owner" }, attributes = { visits_per_month = 12 }, consent = { "inapp" } }
member { id = 2, name = "Bea Dai", tags = { "car_owner" }, attributes = { visits_per_month = "3" }, consent = { "wechat" } }
member { id = 3, name = "Cid Fan", consent = { "inapp" },             -- no tag, but bought car service twice
         orders = { { at = "2025-10-01", amount = 80, category = "car_service" },
                    { at = "2026-01-15", amount = 80, category = "car_service" } } }
member { id = 4, name = "Dan Gao", consent = { "inapp" },
         orders = { { at = "2026-02-01", amount = 35, category = "grocery" } } }
member { id = 5, name = "Eli Hu", tags = { "car_owner" }, consent = { "sms" } }

-- WHO: tagged car owners and anyone who bought car service.
expect { member = 1, in_segment = "car_owners" }
expect { member = 3, in_segment = "car_owners" }
expect { member = 4, not_in_segment = "car_owners", enters = false }

-- WHAT: 10+ visits a month the annual pack, 2–3 the monthly pack, else a single pass
-- (without the attribute, visits are the orders of the last year / 12).
expect { member = 1, offer = "Annual service pack", channel = "inapp", day = 0 }
expect { member = 2, offer = "Monthly service pack", channel = "wechat" }
expect { member = 3, offer = "Single wash pass" }
expect { member = 2, message = "Bea, a Monthly service pack picked for how often you visit us. Claim it in the app." }

-- WHERE: in-app or WeChat only; an SMS-only member gets nothing.
expect { member = 5, suppressed = "no_consent", exits = "no_consent" }
