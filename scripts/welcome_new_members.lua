-- welcome_new_members.lua — a welcome coupon for members who just joined
--
-- Scene : event scene "signup". A shopper registers as a member (app, mini-program
--         or in store) but has not ordered yet. A small, low-threshold coupon in the
--         first week turns the registration into a first order.
-- WHAT  : coupon "20 off 99", valid 7 days after claim, one per member
-- WHY   : acquire — turn a registered prospect into a paying customer
-- WHO   : prospects (never ordered) who joined within the last 7 days
-- WHEN  : trigger = "signup" (fires once per new member); then waits 3 days for the first order
-- WHERE : in-app message first, then SMS, then e-mail (fallback order)
-- HOW   : one fixed coupon for everyone; copy mentions the threshold and validity
-- HOW MUCH: budget 30,000 yuan, stock 5,000 coupons; expect ROI >= 1.2
--
-- Check it : crescent check scripts/welcome_new_members.lua
-- Dry-run  : on a synthetic population with members who joined recently, e.g.
--            crescent generate --members 10000 --out /tmp/pop.sqlite, then dry-run
--            this script against /tmp/pop.sqlite with --now the generator's --as-of day.

segment "new_prospects" {
  description     = "Joined in the last 7 days, no order yet",
  lifecycle       = "prospect",        -- never ordered
  days_since_join = "<= 7",
}

-- One coupon object, shared by every member (declared once at the top level).
local welcome_coupon = coupon {
  name       = "Welcome 20 off 99",
  off        = 20,                     -- yuan off …
  min_spend  = 99,                     -- … on an order of at least 99 yuan
  valid_days = 7,                      -- usable for 7 days after it is claimed
  per_member_per_campaign = 1,
  stock      = 5000,
}

playbook "welcome_new_members" {
  description   = "Welcome coupon in the first week after signup",
  goal          = "acquire",                        -- WHY
  business_line = "loyalty.welcome",
  audience      = "new_prospects",                  -- WHO
  when          = { trigger = "signup" },           -- WHEN
  channels      = { "inapp", "sms", "email" },      -- WHERE, in fallback order
  budget        = { total = 30000, per_member = 20 },-- HOW MUCH (yuan)
  offer         = welcome_coupon,                   -- WHAT
  -- The journey: the coupon, then wait up to 3 days for the first order. A member who
  -- orders gets a thank-you at once; one who does not gets one nudge, then leaves.
  steps = {
    { name = "welcome",
      message = "Welcome, {{first_name}}! Here is {{coupon_value}} yuan off your first order over {{min_spend}}, valid {{valid_days}} days." },
    { name = "wait_first_order", wait_for = { event = "payment", within_days = 3 },
      on_event = "thank_you", on_timeout = "nudge" },
    { name = "nudge", channels = "sms", next = "exit",
      message = "{{first_name}}, your {{coupon_value}} yuan welcome coupon is still waiting for you." },
    { name = "thank_you", channels = "inapp",
      message = "Thanks for your first order, {{first_name}}!" },
  },
  expect        = { roi = ">= 1.2" },
}
