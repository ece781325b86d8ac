-- expect: runtime line 5
-- phase: segment s
-- member: 1000
-- problem: segment "s": `where` must return true or false, got the string "false"
segment "s" {
  where = function(m)
    return "false"
  end,
}
