-- expect: runtime line 10
-- phase: offers p
-- member: 1001
-- problem: coupon: field `off` is infinite
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  offer = function(m)
    return coupon { off = 10 / (1 - m.orders), min_spend = 100 }
  end,
}
