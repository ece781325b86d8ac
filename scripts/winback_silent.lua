-- winback_silent.lua — win back silent and declining high-value customers (CDNOW)
--
-- This is the main example of the README: it is written for the CDNOW sample in
-- data/cdnow_sample.txt (CD purchases, January 1997 – June 1998). CDNOW members only
-- have orders: no tags, no cities, consent for sms / email / push only, everyone on the
-- basic tier. So the audience is built from what orders tell us — lifecycle and RFM.
--
-- Scene : scheduled campaign on 1998-07-01. Many 1997 buyers stopped buying; the ones
--         who used to spend the most are worth a recall offer.
-- WHAT  : coupon "10 off 50" (15 off 60 for the top spenders), valid 14 days
-- WHY   : win_back — recall silent / declining members before they churn
-- WHO   : lifecycle silent or declining, RFM monetary score >= 4, at least 2 orders
-- WHEN  : 1998-07-01 10:00, a journey of three touches: day 0 SMS coupon, day 3 push
--         reminder (only to those who have not redeemed), day 7 e-mail "last chance"; a member
--         who pays in between leaves the journey (exit_on = "payment")
-- WHERE : sms → push → email
-- HOW   : the coupon size follows the RFM monetary score (formula below)
-- HOW MUCH: budget 20,000 yuan, 5% of it paid by the platform; expect ROI >= 1 and
--         reach >= 100 members
--
-- Check it : crescent check scripts/winback_silent.lua
-- Dry-run  : import the sample and dry-run on the day of the campaign:
--              crescent import data/cdnow_sample.txt --db /tmp/cdnow.sqlite
--              then dry-run scripts/winback_silent.lua on /tmp/cdnow.sqlite with --now 1998-07-01
--            The forecast report shows reach, redemptions, cost, revenue and ROI, and
--            fails if the `expect` lines below do not hold.

segment "lapsed_buyers" {
  description = "Used to buy, now silent or buying less often",
  lifecycle   = { "silent", "declining" },
  orders      = ">= 2",                  -- bought more than once: a habit worth restoring
}

segment "high_value" {
  description = "Top 40% by spend (RFM monetary score 4 or 5)",
  rfm         = { m = ">= 4" },
}

-- WHO: the intersection of the two segments above.
segment "silent_high_value" {
  description = "Lapsed buyers who used to spend the most",
  intersect   = { "lapsed_buyers", "high_value" },
}

playbook "winback_silent_high_value" {
  description   = "Three-touch win-back for lapsed high-value CDNOW customers",
  goal          = "win_back",                              -- WHY
  business_line = "music.winback",
  audience      = "silent_high_value",                     -- WHO
  -- WHEN: `until` is a Lua keyword, so the key is written ["until"].
  when          = { at = "1998-07-01 10:00", ["until"] = "1998-07-15 23:59" },
  channels      = { "sms", "push", "email" },              -- WHERE (fallback order)
  budget        = { total = 20000, platform_share = 0.05 },-- HOW MUCH (yuan)
  window_days   = 30,                                      -- attribute orders for 30 days
  exit_on       = "payment",                               -- a member who buys has been won back: no more touches

  -- HOW: a bigger coupon for the very best customers (monetary score 5).
  offer = function(m)
    if m.rfm.m >= 5 then
      return coupon { name = "Come back 15 off 60", off = 15, min_spend = 60, valid_days = 14 }
    end
    return coupon { name = "Come back 10 off 50", off = 10, min_spend = 50, valid_days = 14 }
  end,

  steps = {
    { -- day 0: the offer itself, by SMS (high reach)
      name = "sms_coupon", after_days = 0, channels = "sms",
      message = "{{first_name}}, we miss you! {{coupon_value}} off any order over {{min_spend}}, valid {{valid_days}} days.",
    },
    { -- day 3: a reminder only to those who have not used the coupon yet (a step with no
      -- `offer` of its own gives no new coupon: it reminds of the one already given)
      name = "push_reminder", after_days = 3, channels = "push", only_if = "not_redeemed",
      message = "{{first_name}}, your {{coupon_value}} off coupon is still waiting for you.",
    },
    { -- day 7: last chance by e-mail, again only if not redeemed
      name = "email_last_chance", after_days = 7, channels = "email", only_if = "not_redeemed",
      message = "Last chance, {{first_name}}: your {{coupon_value}} off coupon expires in 7 days.",
    },
  },

  expect = { roi = ">= 1", reach = ">= 100" },             -- QA: the dry-run must meet these
}
