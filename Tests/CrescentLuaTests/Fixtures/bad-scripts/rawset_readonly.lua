-- expect: runtime
rawset(string, "upper", function() return "pwned" end)
