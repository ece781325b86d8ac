-- expect: syntax line 3
local s = [[
never closed
function
