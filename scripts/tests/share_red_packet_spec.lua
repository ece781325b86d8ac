-- Spec for share_red_packet.lua: after paying, active members reachable on a social channel
-- get a red packet to share.
-- Run: crescent test scripts/tests/share_red_packet_spec.lua

spec {
  script = "../share_red_packet.lua",
  at     = "2026-03-01 10:00",
  days   = 3,
}

member { id = 1, name = "Pam Cao", consent = { "wechat" },
         orders = { { at = "2025-12-15", amount = 60 }, { at = "2026-02-10", amount = 45 } } }
member { id = 2, name = "Quy Deng", consent = { "inapp", "sms" },
         orders = { { at = "2025-12-20", amount = 70 }, { at = "2026-02-15", amount = 80 } } }
member { id = 3, name = "Rex Fang", consent = { "wechat" },
         orders = { { at = "2025-06-01", amount = 60 }, { at = "2025-10-01", amount = 60 } } }   -- silent
member { id = 4, name = "Sol Gu", consent = { "sms" },
         orders = { { at = "2025-12-18", amount = 50 }, { at = "2026-02-12", amount = 50 } } }

-- Their next orders are the payments that trigger the playbook.
order { member = 1, day = 0, amount = 50 }
order { member = 2, day = 1, amount = 66 }
order { member = 3, day = 0, amount = 40 }
order { member = 4, day = 0, amount = 40 }

-- WHO: active (rising or mature) and reachable on WeChat or in-app.
expect { member = 1, in_segment = "active_sharers" }
expect { member = 3, not_in_segment = "active_sharers", enters = false }    -- silent since October
expect { member = 4, not_in_segment = "active_sharers", enters = false }    -- SMS only

-- WHAT, WHERE, WHEN: the red packet right after each payment.
expect { member = 1, offer = "Share & save", channel = "wechat", day = 0 }
expect { member = 2, offer = "Share & save", channel = "inapp", day = 1 }
expect { member = 1, message = "Thanks, Pam! Share this red packet with friends — up to 8 yuan off for each of them." }
