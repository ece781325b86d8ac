-- expect: validation line 7
-- problem: points: field `cost_per_point` must be at most 100, got 1000000
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  offer = points { award = 100, cost_per_point = 1e6 },
}
