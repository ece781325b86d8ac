-- expect: validation line 9
-- phase: offers p
-- problem: coupon: field `off` must be at most 10000000000
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  offer = function(m)
    return coupon { off = m.id * 0 + 1e301, min_spend = 0 }
  end,
}
