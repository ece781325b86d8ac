-- expect: validation line 8
-- problem: playbook "p": message is 92160 bytes long; a template holds at most 16384 bytes
-- A 90 KB template: rendering it against a 100 KB name used 1.9 GB before the caps.
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  message = string.rep("{{name}}", 11520),
}
