-- expect: validation
-- problem at 12: economics: unknown field `point_valu`, did you mean `point_value`?
-- problem at 10: economics: field `margin` must be a share from 0 to 1, got 35.0
-- problem at 11: economics message_cost: unknown channel "smss", did you mean "sms"?
-- problem at 11: economics: field `message_cost.email` must be a finite cost >= 0, got -0.002
-- problem at 11: economics: field `message_cost.push` must be a finite cost >= 0, got inf
-- problem at 11: economics: field `message_cost.wechat` must be a number, got a string
segment "everyone" { where = function(m) return true end }
economics {
  margin = 35,
  message_cost = { smss = 0.05, email = -0.002, push = 1 / 0, wechat = "cheap" },
  point_valu = 0.01,
}
