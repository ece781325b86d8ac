-- activate_first_order.lua — a second-order coupon right after the first order
--
-- Scene : event scene "payment". A member has just paid their FIRST order. The second
--         order is the hardest step of the funnel, so we hand them a coupon for it
--         while the brand is still fresh in their mind.
-- WHAT  : coupon "15 off 129" (a bigger basket than the first order), valid 14 days
-- WHY   : activate — first-time buyer → repeat buyer
-- WHO   : lifecycle "new" members with exactly one order
-- WHEN  : trigger = "payment", within 1 day of the payment
-- WHERE : in-app first, then push, then SMS
-- HOW   : members whose first order was small get a lower threshold (formula below)
-- HOW MUCH: budget 40,000 yuan; expect ROI >= 1.5
--
-- Check it : crescent check scripts/activate_first_order.lua
-- Dry-run  : against a synthetic population (crescent generate …) with --now set to
--            the population's as-of day, so recent first orders exist.

segment "first_order_just_paid" {
  description = "New members who have placed exactly one order",
  lifecycle   = "new",
  orders      = 1,                      -- a plain number means "== 1"
}

playbook "second_order_coupon" {
  description   = "Second-order coupon right after the first payment",
  goal          = "activate",
  business_line = "loyalty.activation",
  audience      = "first_order_just_paid",
  when          = { trigger = "payment", within_days = 1 },
  channels      = { "inapp", "push", "sms" },
  budget        = { total = 40000, per_member = 15 },
  -- HOW: the threshold follows the size of the first basket, so the coupon stretches
  -- the next order a little without being out of reach.
  offer = function(m)
    if m.aov < 80 then
      return coupon { name = "2nd order 10 off 89", off = 10, min_spend = 89, valid_days = 14 }
    end
    return coupon { name = "2nd order 15 off 129", off = 15, min_spend = 129, valid_days = 14 }
  end,
  message = "Thanks for your first order, {{first_name}}! {{coupon_value}} yuan off your next one over {{min_spend}} — valid {{valid_days}} days.",
  expect  = { roi = ">= 1.5" },
}
