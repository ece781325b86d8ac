-- points_expiring.lua — remind members before their points expire
--
-- Scene : event scene "points_expiring". Points that expire unused are a lost
--         benefit for the member and a missed visit for us. A reminder 14 days before
--         expiry, plus a small coupon that can be combined with points-as-cash.
-- WHAT  : coupon "10 off 59" so the points + coupon make a cheap basket
-- WHY   : retain — give members a reason to come back and use what they have
-- WHO   : members holding at least 500 points
-- WHEN  : trigger = "points_expiring", 14 days before expiry
-- WHERE : push, then in-app, then SMS
-- HOW   : one fixed coupon; the message shows the balance
-- HOW MUCH: budget 15,000 yuan; expect redemptions >= 50
--
-- Check it : crescent check scripts/points_expiring.lua
-- Dry-run  : on a synthetic population (members have points); CDNOW has none.

segment "points_holders" {
  description = "Members with a meaningful points balance",
  points      = ">= 500",
}

playbook "points_expiring_reminder" {
  description   = "Points expire in 14 days: reminder and a small coupon",
  goal          = "retain",
  business_line = "loyalty.points",
  audience      = "points_holders",
  when          = { trigger = "points_expiring", days_before = 14 },
  channels      = { "push", "inapp", "sms" },
  budget        = 15000,                            -- a plain number is the total (yuan)
  offer         = coupon { name = "Use your points 10 off 59", off = 10, min_spend = 59, valid_days = 14 },
  message       = "{{first_name}}, {{points}} points expire in 14 days. Use them as cash — plus {{coupon_value}} off over {{min_spend}}.",
  expect        = { redemptions = ">= 50" },
}
