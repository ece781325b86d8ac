-- Spec for worn_tyre_call_task.lua: a technician's note about a worn tyre becomes an
-- outbound call task, prioritised for valuable members.
-- Run: crescent test scripts/tests/worn_tyre_call_task_spec.lua

spec {
  script = "../worn_tyre_call_task.lua",
  at     = "2026-03-01 10:00",
  days   = 3,
}

member { id = 1, name = "Gao Hu", tier = "gold", tags = { "car_owner" }, consent = { "sms", "calltask" },
         orders = { { at = "2025-12-01", amount = 100, category = "car_service" } } }
member { id = 2, name = "Han Ji", tags = { "car_owner" }, consent = { "sms", "calltask" },
         orders = { { at = "2026-01-10", amount = 50, category = "car_service" } } }
member { id = 3, name = "Ike Kong", consent = { "sms", "calltask" },             -- no tag, but bought tyres
         orders = { { at = "2025-11-02", amount = 900, category = "tyre" } } }
member { id = 4, name = "Jia Lei", tags = { "car_owner" }, consent = { "calltask" } }  -- may not be phoned (no sms consent)
member { id = 5, name = "Kai Ma", consent = { "sms", "calltask" },               -- not a car owner
         orders = { { at = "2026-02-01", amount = 20, category = "grocery" } } }

event { member = 1, kind = "technician_note", day = 0 }
event { member = 2, kind = "technician_note", day = 0, time = "15:00" }
event { member = 3, kind = "technician_note", day = 1 }
event { member = 4, kind = "technician_note", day = 0 }
event { member = 5, kind = "technician_note", day = 0 }

-- WHO: car owners (tagged, or bought tyres or car service) who consented to be contacted.
expect { member = 3, in_segment = "callable_car_owners" }
expect { member = 4, not_in_segment = "callable_car_owners", enters = false }
expect { member = 5, not_in_segment = "callable_car_owners", enters = false }

-- WHAT: gold/platinum or top spenders (RFM monetary >= 4; among these four buyers Ike's
-- 900 yuan scores 4, Han's 50 scores 2) are called first.
expect { member = 1, offer = "Worn tyre (priority)", channel = "calltask", day = 0 }
expect { member = 3, offer = "Worn tyre (priority)", day = 1 }
expect { member = 2, offer = "Worn tyre", channel = "calltask" }
expect { member = 2, message = "Call Han Ji (basic member, 1 orders): worn tyre noted at the last service." }
