-- expect: validation line 3
-- problem: segment "s": field `where`: names starting with `$` are reserved
segment "s" { where = { ["$function"] = true } }
