-- Spec for replenishment_face_mask.lua: 30 days after the last face-mask purchase, a refill
-- reminder with a face-mask-only coupon (bigger for repeat buyers).
-- Run: crescent test scripts/tests/replenishment_face_mask_spec.lua

spec {
  script = "../replenishment_face_mask.lua",
  at     = "2026-03-01 10:00",
  days   = 5,
}

member { id = 1, name = "Lin Xu", consent = { "push" },
         orders = { { at = "2025-11-10", amount = 60, category = "lipstick" },
                    { at = "2025-12-20", amount = 99, category = "face_mask" },
                    { at = "2026-01-31", amount = 119, category = "face_mask" } } }
member { id = 2, name = "Mei Yao", consent = { "wechat" },
         orders = { { at = "2026-01-30", amount = 89, category = "face_mask" } } }
member { id = 3, name = "Nan Zhu", consent = { "push" },
         orders = { { at = "2025-12-01", amount = 89, category = "face_mask" } } }   -- 90 days ago
member { id = 4, name = "Ola Bai", consent = { "push" },
         orders = { { at = "2026-02-01", amount = 150, category = "lipstick" } } }

-- WHO: bought face masks 25–40 days ago.
expect { member = 1, in_segment = "face_mask_buyers" }
expect { member = 2, in_segment = "face_mask_buyers" }
expect { member = 3, not_in_segment = "face_mask_buyers", enters = false }
expect { member = 4, not_in_segment = "face_mask_buyers" }

-- WHEN: the replenishment scene falls 30 days after the last face-mask purchase.
expect { member = 2, day = 0 }                  -- bought 30 January
expect { member = 1, day = 1 }                  -- bought 31 January

-- WHAT and WHERE: 3+ orders get 20 off, others 15 off, on the first consented channel.
expect { member = 1, offer = "Mask refill 20 off 119", channel = "push" }
expect { member = 2, offer = "Mask refill 15 off 119", channel = "wechat" }
expect { member = 2, message = "Mei, running low on face masks? 15 off a refill over 119 for the next 10 days." }
