-- expect: forbidden
return string.dump(function() end)
