-- member_day_double_points.lua — double points on member day
--
-- Scene : event scene "member_day" (a tier benefit). Every Wednesday is member day:
--         every purchase by a silver-or-better member earns double points.
-- WHAT  : points { multiplier = 2 } on that day's spend; points expire in 365 days
-- WHY   : retain — a weekly habit and a reason to concentrate spend with us
-- WHO   : silver, gold and platinum members who bought in the last 90 days
-- WHEN  : trigger = "member_day"
-- WHERE : push the day before, in-app on the day
-- HOW   : the programme's points rule (declared below: 1 point per yuan, double on
--         Wednesdays, triple on 11.11, 100 points pay 1 yuan for at most half an order)
--         and one fixed points offer; copy per segment for platinum
-- HOW MUCH: budget 30,000 yuan (a point costs what it pays: 0.01 yuan); expect ROI >= 3
--
-- Check it : crescent check scripts/member_day_double_points.lua
-- Dry-run  : on a synthetic population (members have tiers and points).

points_rule "crescent_points" {
  description = "Programme points: earned on spend and activities, spent as cash",
  earn        = 1,                                   -- points per yuan paid
  multipliers = {
    { name = "member day", factor = 2, weekdays = "wednesday" },
    { name = "11.11", factor = 3, dates = "2026-11-11" },
  },
  activities  = { login = 5, game = 10, task = 50 },
  expiry_days = 365,
  spend       = 100,                                 -- points that pay 1 yuan
  cap_percent = 50,                                  -- at most half of an order
}

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
  offer         = points { name = "Member day x2", multiplier = 2, expiry_days = 365 },
  message = {
    default          = "It's member day, {{first_name}}: every purchase today earns double points.",
    platinum_members = "Member day, {{first_name}}: double points today — and your platinum perks as always.",
  },
  expect = { roi = ">= 3" },
}
