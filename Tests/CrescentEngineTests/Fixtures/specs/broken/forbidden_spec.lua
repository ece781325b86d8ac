-- Specs run in the sandbox too: no files (exit 2, `io` is not available).
local f = io.open("/etc/passwd")
spec { script = "../scripts/bad_script.lua", at = "2026-03-01 10:00" }
