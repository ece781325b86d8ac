-- expect: validation line 4
-- problem: playbook "p" when: field `days_after` must be at most 36500, got 1000000000000
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { trigger = "replenishment", category = "tea", days_after = 1e12 },
}
