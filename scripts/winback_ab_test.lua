-- winback_ab_test.lua — which win-back offer works better? An A/B test of two coupons (CDNOW)
--
-- Scene : the win-back of winback_silent.lua, but the team cannot agree on the offer: a
--         small coupon most lapsed buyers can use, or a bigger one with a higher threshold.
--         Half the audience gets each; a tenth gets nothing, to measure both against.
-- WHAT  : variant "small": 10 off 50 (15 off 60 for the very best customers, a formula);
--         variant "big": 25 off 100, both valid 14 days
-- WHY   : win_back
-- WHO   : lapsed buyers (silent or declining, 2+ orders) with RFM monetary score >= 4
-- WHEN  : 1998-07-01 10:00, an SMS with the offer and a push reminder on day 3
-- WHERE : sms, then push
-- HOW   : `variants` splits the members by weight, sticky per member: the same member is
--         in the same variant in every dry-run and in the live run, and the ledgers record it
-- HOW MUCH: budget 20,000 yuan
--
-- Dry-run : crescent dryrun scripts/winback_ab_test.lua --data data/cdnow_sample.txt --seed 42
--           (the summary and the report have one row per variant: reach, cost, redemptions,
--           incremental revenue and ROI)

segment "lapsed_high_value" {
  description = "Lapsed buyers who used to spend the most",
  lifecycle   = { "silent", "declining" },
  orders      = ">= 2",
  rfm         = { m = ">= 4" },
}

playbook "winback_ab" {
  goal          = "win_back",
  business_line = "music.winback_ab",
  audience      = "lapsed_high_value",
  when          = { at = "1998-07-01 10:00" },
  channels      = { "sms", "push" },
  budget        = { total = 20000 },
  window_days   = 30,
  holdout       = 0.1,                     -- a sticky tenth gets nothing: the baseline both variants are measured against
  exit_on       = "payment",

  variants = {
    { name = "small", weight = 0.5,
      offer = function(m)                  -- a variant's offer may be a formula…
        if m.rfm.m >= 5 then
          return coupon { name = "Come back 15 off 60", off = 15, min_spend = 60, valid_days = 14 }
        end
        return coupon { name = "Come back 10 off 50", off = 10, min_spend = 50, valid_days = 14 }
      end },
    { name = "big", weight = 0.5,          -- …or one fixed offer
      offer = coupon { name = "Come back 25 off 100", off = 25, min_spend = 100, valid_days = 14 } },
  },

  steps = {
    { name = "sms_offer", after_days = 0, channels = "sms",
      message = "{{first_name}}, we miss you! {{coupon_value}} off any order over {{min_spend}}." },
    { name = "push_reminder", after_days = 3, channels = "push", only_if = "not_redeemed",
      message = "{{first_name}}, your {{coupon_value}} off is still waiting." },
  },
}
