-- A spec file that never ends: the sandbox's instruction budget stops it (exit 2).
spec { script = "../scripts/bad_script.lua", at = "2026-03-01 10:00" }
while true do end
