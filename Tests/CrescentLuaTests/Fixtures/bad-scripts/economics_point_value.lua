-- expect: validation line 4
-- problem: economics: field `point_value` must be a finite value >= 0, got -1.0
-- problem: economics: field `message_cost` must be keyed by channel: { sms = 0.05, email = 0.002 }
economics { point_value = -1, message_cost = { 0.05, 0.002 } }
