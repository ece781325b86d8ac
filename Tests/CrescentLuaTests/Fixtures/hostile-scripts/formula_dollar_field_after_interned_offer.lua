-- expect: runtime line 11
-- phase: offers p
-- member: 1003
-- problem: coupon: field names starting with `$` are reserved
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  offer = function(m)
    if m.id ~= 1003 then return coupon { off = 10, min_spend = 100 } end
    return coupon { off = 10, min_spend = 100, ["$id"] = 1 }
  end,
}
