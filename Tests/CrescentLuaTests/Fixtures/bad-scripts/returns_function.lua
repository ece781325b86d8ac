-- expect: result
return function() end
