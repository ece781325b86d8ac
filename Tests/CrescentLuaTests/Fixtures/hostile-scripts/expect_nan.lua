-- expect: validation line 7
-- problem: playbook "p": expect.roi: write a comparison such as ">= 1.5"
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  expect = { roi = 0/0 },
}
