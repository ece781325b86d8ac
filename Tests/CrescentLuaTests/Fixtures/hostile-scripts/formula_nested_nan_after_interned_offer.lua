-- expect: runtime line 11
-- phase: offers p
-- member: 1002
-- problem: coupon: field `stores[1]` is not a number (NaN, e.g. from 0/0)
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  offer = function(m)
    if m.id ~= 1002 then return coupon { off = 10, min_spend = 100 } end
    return coupon { off = 10, min_spend = 100, stores = { 0 / 0 } }
  end,
}
