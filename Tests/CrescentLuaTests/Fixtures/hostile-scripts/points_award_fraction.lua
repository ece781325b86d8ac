-- expect: validation line 7
-- problem: points: field `award` must be a whole number, got 1.5
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  offer = points { award = 1.5 },
}
