-- member_day_double_points.lua — double points on member day
--
-- Scene : event scene "member_day" (a tier benefit). On the monthly member day every
--         purchase by a silver-or-better member earns double points.
-- WHAT  : points { multiplier = 2 } on that day's spend; points expire in 365 days
-- WHY   : retain — a monthly habit and a reason to concentrate spend with us
-- WHO   : silver, gold and platinum members who bought in the last 90 days
-- WHEN  : trigger = "member_day"
-- WHERE : push the day before, in-app on the day
-- HOW   : one fixed points rule; copy per segment for platinum
-- HOW MUCH: budget 30,000 yuan (points cost 0.01 yuan each); expect ROI >= 3
--
-- Check it : crescent check scripts/member_day_double_points.lua
-- Dry-run  : on a synthetic population (members have tiers and points).

segment "tiered_recent_buyers" {
  description  = "Silver+ members who bought in the last 90 days",
  tier         = { "silver", "gold", "platinum" },
  recency_days = "<= 90",
}

segment "platinum_members" {
  tier = "platinum",
}

playbook "member_day_double_points" {
  description   = "Double points on member day",
  goal          = "retain",
  business_line = "loyalty.member_day",
  audience      = "tiered_recent_buyers",
  when          = { trigger = "member_day" },
  channels      = { "push", "inapp" },
  budget        = { total = 30000 },
  offer         = points { name = "Member day x2", multiplier = 2, expiry_days = 365, cost_per_point = 0.01 },
  message = {
    default          = "It's member day, {{first_name}}: every purchase today earns double points.",
    platinum_members = "Member day, {{first_name}}: double points today — and your platinum perks as always.",
  },
  expect = { roi = ">= 3" },
}
