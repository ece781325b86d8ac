-- expect: runtime line 7
-- problem: red_packet: field `amounts[2]` is not a number (NaN
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  offer = red_packet { amounts = { 5, 0/0 } },
}
