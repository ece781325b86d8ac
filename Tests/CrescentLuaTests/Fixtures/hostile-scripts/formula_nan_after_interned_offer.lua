-- expect: runtime line 11
-- phase: offers p
-- member: 1005
-- problem: coupon: field `off` is not a number (NaN, e.g. from 0/0)
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  offer = function(m)
    local off = m.id == 1005 and 0 / 0 or 10
    return coupon { off = off, min_spend = 100 }
  end,
}
