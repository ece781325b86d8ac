-- expect: validation
-- problem at 16: coupon: unknown field `min_spent`, did you mean `min_spend`?
-- problem at 18: coupon: unknown field `valid_dyas`, did you mean `valid_days`?
-- problem at 20: points: unknown field `awrad`, did you mean `award`?
-- problem at 22: red_packet: missing field `amounts`
-- problem at 27: message uses unknown variable `{{nmae}}`, did you mean `{{name}}`?
-- No member ever reaches these branches, yet every offer constructor and literal message
-- in the file is checked when the script loads.
segment "all" {}

playbook "p" {
  goal = "retain", audience = "all", when = { trigger = "payment" }, channels = "sms",
  offer = function(m)
    if m.orders > 1000000 then
      return coupon { off = 10,
                      min_spent = 89 }
    elseif m.orders > 500000 then
      return coupon { off = m.orders // 1000, valid_dyas = 7 }   -- a computed value: names still checked
    elseif m.orders > 400000 then
      return points { awrad = 10 }
    elseif m.orders > 300000 then
      return red_packet({ min_spend = 10 })
    end
    return nil
  end,
}
local reminder = { message = "{{nmae}}, come back" }
