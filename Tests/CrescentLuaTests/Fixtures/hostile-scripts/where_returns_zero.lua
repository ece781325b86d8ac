-- expect: runtime line 5
-- phase: segment s
-- member: 1000
-- problem: segment "s": `where` must return true or false, got the number 0
segment "s" {
  where = function(m)
    return 0
  end,
}
