-- expect: result
return coroutine.create(function() end)
