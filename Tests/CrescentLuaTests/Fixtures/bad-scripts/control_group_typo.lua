-- expect: validation
-- problem at 6: economics: unknown field `control_grup`, did you mean `control_group`?
segment "everyone" { where = function(m) return true end }
economics {
  margin = 0.35,
  control_grup = 0.05,
}
