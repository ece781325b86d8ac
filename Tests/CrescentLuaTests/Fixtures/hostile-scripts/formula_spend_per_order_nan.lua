-- expect: runtime line 10
-- phase: offers p
-- member: 1000
-- problem: coupon: field `off` is not a number (NaN
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  offer = function(m)
    return coupon { off = m.total_spend / m.orders }
  end,
}
