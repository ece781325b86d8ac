-- replenishment_face_mask.lua — "your face masks are about to run out"
--
-- Scene : event scene "replenishment". A box of face masks lasts about a month: 30
--         days after a face-mask purchase the member is probably running out, which is
--         the best moment to suggest a refill.
-- WHAT  : coupon "15 off 119" restricted to the face_mask category, valid 10 days
-- WHY   : retain — keep a repeat category repeating with us, not a competitor
-- WHO   : members who bought face masks 25–40 days ago (m.bought.face_mask)
-- WHEN  : trigger = "replenishment", category face_mask, 30 days after the purchase
-- WHERE : push, then WeChat, then SMS
-- HOW   : loyal mask buyers (3+ orders) get a bigger coupon than first-time buyers
-- HOW MUCH: budget 25,000 yuan; expect ROI >= 2 (a refill is a likely purchase)
--
-- Check it : crescent check scripts/replenishment_face_mask.lua
-- Dry-run  : on a synthetic population (face_mask is one of its categories).

segment "face_mask_buyers" {
  description = "Bought face masks 25–40 days ago",
  where = function(m)
    local days = m.bought.face_mask            -- nil if never bought in this category
    return days ~= nil and days >= 25 and days <= 40
  end,
}

playbook "face_mask_refill" {
  description   = "Face-mask refill reminder 30 days after purchase",
  goal          = "retain",
  business_line = "beauty.replenishment",
  audience      = "face_mask_buyers",
  when          = { trigger = "replenishment", category = "face_mask", days_after = 30 },
  channels      = { "push", "wechat", "sms" },
  budget        = { total = 25000 },
  offer = function(m)
    if m.orders >= 3 then
      return coupon { name = "Mask refill 20 off 119", off = 20, min_spend = 119,
                      categories = "face_mask", valid_days = 10 }
    end
    return coupon { name = "Mask refill 15 off 119", off = 15, min_spend = 119,
                    categories = "face_mask", valid_days = 10 }
  end,
  message = "{{first_name}}, running low on face masks? {{coupon_value}} off a refill over {{min_spend}} for the next {{valid_days}} days.",
  expect  = { roi = ">= 2" },
}
