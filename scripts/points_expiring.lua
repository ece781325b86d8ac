-- points_expiring.lua — remind members before their points expire
--
-- Scene : event scene "points_expiring". Points that expire unused are a lost
--         benefit for the member and a missed visit for us. A reminder 14 days before
--         expiry, plus a small coupon that can be combined with points-as-cash.
-- WHAT  : a coupon sized to the basket the points already pay for: "15 off 99" when
--         the points cover the most a 99 basket allows, else "10 off 59"
-- WHY   : retain — give members a reason to come back and use what they have
-- WHO   : members holding at least 500 points
-- WHEN  : trigger = "points_expiring", 14 days before expiry
-- WHERE : push, then in-app, then SMS
-- HOW   : the programme's points rule (declared below: points last 365 days, 100 pay
--         1 yuan, at most 20% of an order); the formula asks crm.points_cash what a
--         member's points pay on a 99 basket; the message shows the balance
-- HOW MUCH: budget 15,000 yuan; expect redemptions >= 50
--
-- Check it : crescent check scripts/points_expiring.lua
-- Dry-run  : on a synthetic population (members have points); CDNOW has none.

points_rule "crescent_points" {
  earn        = 1,
  expiry_days = 365,
  spend       = 100,
  cap_percent = 20,
}

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
  offer = function(m)
    -- Cash the points pay on a 99 basket, within the 20% cap (19.80 needs 1,980 points).
    local cash = crm.points_cash(m.points, 99)
    if cash >= 19.8 then
      return coupon { name = "Use your points 15 off 99", off = 15, min_spend = 99, valid_days = 14 }
    end
    return coupon { name = "Use your points 10 off 59", off = 10, min_spend = 59, valid_days = 14 }
  end,
  message       = "{{first_name}}, {{points}} points expire in 14 days. Use them as cash — plus {{coupon_value}} off over {{min_spend}}.",
  expect        = { redemptions = ">= 50" },
}
