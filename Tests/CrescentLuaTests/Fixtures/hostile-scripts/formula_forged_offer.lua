-- expect: runtime
-- phase: offers p
-- member: 1000
-- problem: got a table not made by one of them
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  offer = function(m)
    return { ["$id"] = 1, ["$offer"] = "coupon" }
  end,
}
