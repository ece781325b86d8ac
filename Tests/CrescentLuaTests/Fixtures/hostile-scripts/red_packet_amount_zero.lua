-- expect: validation line 7
-- problem: red_packet: field `amounts[1]` must be > 0
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  offer = red_packet { amounts = { 0 } },
}
