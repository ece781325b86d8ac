-- expect: validation
-- problem at 4: economics: field `control_group` must be a share from 0 up to (not including) 1, e.g. 0.05, got 1.0
segment "everyone" { where = function(m) return true end }
economics { margin = 0.35, control_group = 1 }
