-- tier_upgrade_nudge.lua — tell members how close they are to the next tier
--
-- Scene : scheduled campaign. The programme's tier ladder is declared below: tiers are
--         earned by spend in the last 365 days (silver 1,000 / gold 5,000 / platinum
--         20,000 yuan, as in the synthetic data), gold also by one 2,000 order or top RFM
--         scores; a tier lasts a year and renews on a lower spend, else drops one tier.
--         Because the script declares the ladder, `m.tier` is the tier it gives on the
--         day, not the stored one. Members within reach of the next tier get a nudge and
--         a coupon that helps them cross the line.
-- WHAT  : silver → gold: 30 off 300; gold → platinum: 100 off 1000
-- WHY   : upsell — higher tiers buy more and churn less
-- WHO   : silver members with 4,000+ yuan in the window; gold members with 16,000+
-- WHEN  : 2026-06-01 10:00 to 2026-06-20 (before the mid-year sales)
-- WHERE : in-app, then push, then e-mail
-- HOW   : one playbook, the formula picks the coupon by tier; the two segments are
--         disjoint (different tiers), so no member is targeted twice
-- HOW MUCH: budget 50,000 yuan; expect ROI >= 1.5
--
-- Check it : crescent check scripts/tier_upgrade_nudge.lua
-- Tiers    : crescent segment preview scripts/tier_upgrade_nudge.lua --data synthetic:5000
--            (segment sizes, then members per tier stored vs evaluated, and how many
--            are upgraded, renewed or downgraded on the day)
-- Dry-run  : on a synthetic population with --now 2026-06-01.

tier_ladder "crescent_club" {
  description = "Spend-based tiers, lowest first",
  tiers = {
    { name = "basic", entry = { registration = true }, benefits = "member_price" },
    { name = "silver", entry = { spend = 1000, within_days = 365 },
      validity_days = 365, renewal = { spend = 500, within_days = 365 },
      benefits = { "member_price", "member_day" } },
    { name = "gold", entry = { spend = 5000, within_days = 365, single_order = 2000, rfm = { r = 5, f = 5, m = 5 } },
      validity_days = 365, renewal = { spend = 3000, within_days = 365 },
      benefits = { "member_price", "member_day", "free_shipping", "birthday_gift" } },
    { name = "platinum", entry = { spend = 20000, within_days = 365 },
      validity_days = 365, renewal = { spend = 12000, within_days = 365 },
      benefits = { "member_price", "member_day", "free_shipping", "birthday_gift", "join_anniversary" } },
  },
}

segment "silver_near_gold" {
  description = "Silver members within 1,000 yuan of gold",
  tier        = "silver",
  where       = function(m) return m.monetary >= 4000 end,
}

segment "gold_near_platinum" {
  description = "Gold members within 4,000 yuan of platinum",
  tier        = "gold",
  where       = function(m) return m.monetary >= 16000 end,
}

segment "near_next_tier" {
  union = { "silver_near_gold", "gold_near_platinum" },
}

playbook "tier_upgrade_nudge" {
  description   = "Nudge members close to the next tier",
  goal          = "upsell",
  business_line = "loyalty.tiers",
  audience      = "near_next_tier",
  when          = { at = "2026-06-01 10:00", ["until"] = "2026-06-20 22:00" },
  channels      = { "inapp", "push", "email" },
  budget        = { total = 50000 },
  offer = function(m)
    if m.tier == "gold" then
      return coupon { name = "Platinum push 100 off 1000", off = 100, min_spend = 1000, valid_days = 20 }
    end
    return coupon { name = "Gold push 30 off 300", off = 30, min_spend = 300, valid_days = 20 }
  end,
  message = {
    default            = "{{first_name}}, you are close to the next tier! {{coupon_value}} off over {{min_spend}} helps you get there.",
    gold_near_platinum = "{{first_name}}, platinum is within reach: {{coupon_value}} off any order over {{min_spend}} this month.",
  },
  expect = { roi = ">= 1.5" },
}
