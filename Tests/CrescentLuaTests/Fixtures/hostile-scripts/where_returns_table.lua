-- expect: runtime line 5
-- phase: segment s
-- member: 1000
-- problem: segment "s": `where` must return true or false, got a table
segment "s" {
  where = function(m)
    return {}
  end,
}
