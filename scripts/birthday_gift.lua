-- birthday_gift.lua — a birthday gift that grows with the member's tier
--
-- Scene : event scene "birthday" (a tier benefit). A few days before the birthday the
--         member gets a gift; higher tiers get a richer one.
-- WHAT  : basic/silver: 30 off 99 coupon; gold: 50 off 199 + copy; platinum: a gift item
-- WHY   : care — goodwill and a reason to visit in the birthday month
-- WHO   : every member with a known birthday who has consented to at least one channel
-- WHEN  : trigger = "birthday", 3 days before each member's own birthday: the engine
--         generates the scene from member data every day (10:00 Shanghai time), so gifts and
--         spend are spread over the year; a member gets at most one gift a year
-- WHERE : WeChat, then in-app, then SMS
-- HOW   : offer formula by tier; copy per segment (platinum members get their own text)
-- HOW MUCH: budget 700,000 yuan a year (about 35 yuan per member with a birthday), 80 per member
--
-- Check it : crescent check scripts/birthday_gift.lua
-- Dry-run  : on a synthetic population (members have birthdays), over a year:
--              crescent dryrun scripts/birthday_gift.lua --data synthetic:20000 --days 365

segment "has_birthday" {
  description = "Members whose birthday we know and who can be contacted",
  consent     = { "wechat", "inapp", "sms" },       -- consented to at least one of these
  where       = function(m) return m.birthday ~= nil end,
}

segment "platinum" {
  description = "Platinum members (for their own message copy)",
  tier        = "platinum",
}

playbook "birthday_gift" {
  description   = "Tiered birthday gift, 3 days ahead",
  goal          = "care",
  business_line = "loyalty.birthday",
  audience      = "has_birthday",
  when          = { trigger = "birthday", days_before = 3 },
  timezone      = "Asia/Shanghai",
  reentry       = { after_days = 300 },                    -- once a year
  channels      = { "wechat", "inapp", "sms" },
  budget        = { total = 700000, per_member = 80 },
  offer = function(m)
    if m.tier == "platinum" then
      return coupon { name = "Birthday gift box", gift = "GIFT-BDAY-BOX", cost = 80, valid_days = 30 }
    elseif m.tier == "gold" then
      return coupon { name = "Birthday 50 off 199", off = 50, min_spend = 199, valid_days = 30 }
    end
    return coupon { name = "Birthday 30 off 99", off = 30, min_spend = 99, valid_days = 30 }
  end,
  message = {
    default  = "Happy birthday, {{first_name}}! A {{offer}} is in your account, valid {{valid_days}} days.",
    platinum = "Happy birthday, {{first_name}}! As a platinum member, a birthday gift box is waiting for you in store.",
  },
}
