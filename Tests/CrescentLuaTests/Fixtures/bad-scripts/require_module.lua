-- expect: forbidden
local socket = require("socket")
