-- luacheck configuration: `luacheck scripts plugins` (Debian's lua-check), run by .ci/run.
-- It declares what the sandbox gives (SandboxPolicy's allow lists), the playbook API of
-- CRMPrelude and lua/crescent.d.lua, and the channel-plugin API of PluginRuntime, so an
-- undefined name is a real typo.

-- The sandbox's base library: no io, os, debug, package, require, load or dofile.
stds.crescent_sandbox = {
  read_globals = {
    "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "print", "rawequal", "rawget",
    "rawlen", "rawset", "select", "setmetatable", "tonumber", "tostring", "type", "xpcall", "_VERSION",
    string = { fields = { "byte", "char", "find", "format", "gmatch", "gsub", "len", "lower", "match",
                          "reverse", "sub", "upper" } },
    table = { fields = { "concat", "insert", "pack", "remove", "sort" } },
    math = { fields = { "abs", "ceil", "cos", "exp", "floor", "fmod", "huge", "log", "max", "maxinteger",
                        "min", "mininteger", "modf", "pi", "random", "sin", "sqrt", "tan", "tointeger",
                        "type", "ult", "acos", "asin", "atan" } },
    utf8 = { fields = { "char", "charpattern", "codepoint", "codes", "len", "offset" } },
    coroutine = { fields = { "close", "create", "isyieldable", "resume", "running", "status", "wrap", "yield" } },
  },
}

-- Playbook scripts: declarations, offer constructors and the `crm` helpers.
stds.crescent_playbook = {
  read_globals = {
    "segment", "playbook", "tier_ladder", "points_rule",
    "coupon", "points", "red_packet", "call_task", "content",
    crm = { fields = { "now", "days", "date", "points_for", "points_cash" } },
  },
}

-- Channel plugins: the host libraries, the plugin's config, and the `send` it defines.
stds.crescent_plugin = {
  globals = { "send" },
  read_globals = {
    config = { other_fields = true },
    http = { fields = { "request" } },
    smtp = { fields = { "send" } },
    crypto = { fields = { "hmac_sha256" } },
    json = { fields = { "encode", "decode" } },
    tasks = { fields = { "create" } },
    inbox = { fields = { "put" } },
  },
}

-- Spec files of `crescent test` (scripts/tests/*_spec.lua): fixtures and expectations.
stds.crescent_spec = {
  read_globals = { "spec", "member", "order", "event", "expect" },
}

std = "crescent_sandbox"
-- Message copy is kept on one line, so scripts allow longer lines than code usually does.
max_line_length = 150

files["scripts"] = { std = "crescent_sandbox+crescent_playbook" }
files["scripts/tests"] = { std = "crescent_sandbox+crescent_spec" }
files["plugins"] = { std = "crescent_sandbox+crescent_plugin" }
