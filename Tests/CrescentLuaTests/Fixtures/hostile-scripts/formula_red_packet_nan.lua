-- expect: runtime line 10
-- phase: offers p
-- member: 1000
-- problem: red_packet: field `amounts[2]` is not a number (NaN
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  offer = function(m)
    return red_packet { amounts = { 5, m.total_spend / m.orders } }
  end,
}
