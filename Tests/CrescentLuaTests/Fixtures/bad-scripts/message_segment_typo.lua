-- expect: validation
-- problem at 12: field `message.platnum`: unknown segment "platnum", did you mean "platinum"?
-- problem at 16: field `message.gold`: unknown segment "gold"
segment "everyone" { where = function(m) return true end }
segment "platinum" { tier = "platinum" }
playbook "message_segment_typo" {
  goal = "care", audience = "everyone", channels = { "sms" },
  when = { at = "2026-01-01 10:00" },
  offer = coupon { name = "5 off", off = 5, min_spend = 50, valid_days = 7 },
  message = {
    default = "Hello {{first_name}}",
    platnum = "Hello, platinum {{first_name}}",
  },
  steps = {
    { name = "first", after_days = 0 },
    { name = "again", after_days = 2, message = { default = "Again", gold = "Again, gold" } },
  },
}
