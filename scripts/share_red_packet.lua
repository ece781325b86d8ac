-- share_red_packet.lua — a share red packet after payment (referral)
--
-- Scene : event scene "payment". After paying, an active member gets a red packet to
--         share with friends. Anyone who opens it claims an amount; the same person
--         claiming again gets less each time, fixed from the third claim: 8, 5, then 3.
-- WHAT  : red_packet { amounts = { 8, 5, 3 } }, min spend 39, valid 7 days
-- WHY   : refer — existing customers bring friends in
-- WHO   : active members (rising or mature) who reach us on WeChat or in the app
-- WHEN  : trigger = "payment", right after the order is paid
-- WHERE : WeChat first, then in-app
-- HOW   : one fixed red packet for everyone
-- HOW MUCH: budget 20,000 yuan; expect reach >= 500
--
-- Check it : crescent check scripts/share_red_packet.lua
-- Dry-run  : on a synthetic population (members consent to wechat / inapp).

segment "active_sharers" {
  description = "Active members reachable on a social channel",
  lifecycle   = { "active_rising", "active_mature" },
  consent     = { "wechat", "inapp" },
}

playbook "share_red_packet" {
  description   = "Share a red packet with friends after paying",
  goal          = "refer",
  business_line = "growth.referral",
  audience      = "active_sharers",
  when          = { trigger = "payment" },
  channels      = { "wechat", "inapp" },
  budget        = { total = 20000 },
  offer         = red_packet {
    name       = "Share & save",
    amounts    = { 8, 5, 3 },         -- 1st claim 8 yuan, 2nd 5, 3rd and later 3
    min_spend  = 39,
    valid_days = 7,
  },
  message       = "Thanks, {{first_name}}! Share this red packet with friends — up to 8 yuan off for each of them.",
  expect        = { reach = ">= 500" },
}
