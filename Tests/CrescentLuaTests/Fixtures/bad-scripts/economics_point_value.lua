-- expect: validation
-- problem at 4: economics: field `point_value` must be a finite value >= 0, got -1.0
-- problem at 4: economics: field `message_cost` must be keyed by channel: { sms = 0.05, email = 0.002 }
economics { point_value = -1, message_cost = { 0.05, 0.002 } }
