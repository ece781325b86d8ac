-- expect: syntax line 5
local s = [[
never closed
function
