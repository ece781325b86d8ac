-- expect: runtime line 10
-- phase: offers p
-- member: 1000
-- problem: member views are read-only (cannot set `m.tier`)
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  offer = function(m)
    m.tier = "gold"
    return nil
  end,
}
