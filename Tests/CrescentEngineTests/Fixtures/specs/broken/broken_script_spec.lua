-- The script under test does not load (a syntax error on its line 3): exit 2, naming it.
spec { script = "../scripts/bad_script.lua", at = "2026-03-01 10:00" }
member { id = 1, consent = { "sms" } }
expect { member = 1, in_segment = "anyone" }
