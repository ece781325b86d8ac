-- car_service_packs.lua — service packs matched to how often the car comes in
--
-- Scene : standing scene in the car-service app. The offer formula follows visit
--         frequency (from the source articles): a car serviced 2–3 times a month gets
--         a monthly pack, a rare visitor a single pass, 10+ times a month an annual pack.
-- WHAT  : coupon packs (gift SKUs): single wash pass / monthly pack / annual pack
-- WHY   : upsell — move frequent visitors to prepaid packs
-- WHO   : car owners (tag car_owner, or anyone who bought car_service)
-- WHEN  : 2026-03-01 09:00 to 2026-03-31, a spring service campaign
-- WHERE : in-app, then WeChat
-- HOW   : visits per month from m.attributes.visits_per_month when the store system
--         provides it, else estimated from car_service orders (m.frequency over a year)
-- HOW MUCH: budget 80,000 yuan; expect ROI >= 1.5
--
-- Check it : crescent check scripts/car_service_packs.lua
-- Dry-run  : on a synthetic population (car_service is one of its categories) with
--            --now 2026-03-01.

segment "car_owners" {
  description = "Members with a car: tagged car_owner or bought car service",
  where = function(m) return m.tags.car_owner == true or m.bought.car_service ~= nil end,
}

-- Visits per month: the store attribute if present, else orders in the RFM window / 12.
local function visits_per_month(m)
  local v = tonumber(m.attributes.visits_per_month)
  if v then return v end
  return m.frequency / 12
end

playbook "car_service_packs" {
  description   = "Single pass, monthly pack or annual pack by visit frequency",
  goal          = "upsell",
  business_line = "auto.service_packs",
  audience      = "car_owners",
  when          = { at = "2026-03-01 09:00", ["until"] = "2026-03-31 22:00" },
  channels      = { "inapp", "wechat" },
  budget        = { total = 80000 },
  offer = function(m)
    local v = visits_per_month(m)
    if v >= 10 then
      return coupon { name = "Annual service pack", gift = "CS-PACK-ANNUAL", cost = 300, valid_days = 30 }
    elseif v >= 2 then
      return coupon { name = "Monthly service pack", gift = "CS-PACK-MONTH", cost = 40, valid_days = 30 }
    end
    return coupon { name = "Single wash pass", gift = "CS-PASS-1", cost = 15, valid_days = 30 }
  end,
  message = "{{first_name}}, a {{offer}} picked for how often you visit us. Claim it in the app.",
  expect  = { roi = ">= 1.5" },
}
