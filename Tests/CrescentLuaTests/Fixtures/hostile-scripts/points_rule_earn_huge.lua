-- expect: validation line 3
-- problem: points_rule "club": field `earn` must be at most 1000000, got 1000000000000000
points_rule "club" { earn = 1e15 }
