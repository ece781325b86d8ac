/// What a sandboxed script can reach, stated as literal allow and deny lists in one place
/// (the Redis habit): review this file to review the sandbox.
///
/// The prelude runs once per state, before any script, with the six safe standard
/// libraries opened by `crescent_open_sandbox_libs` (base, string, table, math, utf8,
/// coroutine; pattern functions already bounded in C). It builds `BASE`, a table that no
/// script can reach or change, and returns the functions the host uses to make a fresh
/// environment per run and to install API tables read-only.
enum SandboxPolicy {
    static let prelude = #"""
    local forbid, host_print, host_time = ...
    local error, type, next, rawget, rawset, tostring, select, load, pcall =
          error, type, next, rawget, rawset, tostring, select, load, pcall
    local raw_setmetatable, raw_getmetatable, raw_randomseed = setmetatable, getmetatable, math.randomseed
    local raw_rep, raw_unpack, raw_move, math_type = string.rep, table.unpack, table.move, math.type

    -- ALLOWED: the only names a script can see. Everything else is nil or a forbidden stub.
    local ALLOWED_BASE = { "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall",
      "rawequal", "rawget", "rawlen", "select", "tonumber", "tostring", "type", "xpcall", "_VERSION" }
    local ALLOWED_LIBS = {
      string = { "byte", "char", "find", "format", "gmatch", "gsub", "len", "lower", "match",
                 "reverse", "sub", "upper" },
      table = { "concat", "insert", "pack", "remove", "sort" },
      math = { "abs", "ceil", "cos", "exp", "floor", "fmod", "huge", "log", "max", "maxinteger",
               "min", "mininteger", "modf", "pi", "random", "sin", "sqrt", "tan", "tointeger",
               "type", "ult", "acos", "asin", "atan" },
      utf8 = { "char", "charpattern", "codepoint", "codes", "len", "offset" },
      coroutine = { "close", "create", "isyieldable", "resume", "running", "status", "wrap", "yield" },
    }
    -- DENIED: present as stubs so a script gets "forbidden: `io.open` …", not "attempt to index nil".
    local DENIED_GLOBALS = {
      require = "modules cannot be loaded", dofile = "files cannot be read",
      loadfile = "files cannot be read", collectgarbage = "the host manages memory",
      warn = "use print", module = "modules cannot be loaded",
    }
    local DENIED_TABLES = {
      io = "file access is not allowed", debug = "the debug library is not available",
      package = "modules cannot be loaded",
    }
    local DENIED_FIELDS = {
      ["string.dump"] = "bytecode cannot be produced",
      ["math.randomseed"] = "the host seeds randomness (crm.random / math.random are deterministic)",
      ["os.execute"] = "processes cannot be started", ["os.exit"] = "the host owns the process",
      ["os.getenv"] = "the environment is not visible", ["os.remove"] = "file access is not allowed",
      ["os.rename"] = "file access is not allowed", ["os.tmpname"] = "file access is not allowed",
      ["os.setlocale"] = "the locale is fixed", ["os.date"] = "use crm.date",
      ["os.clock"] = "wall-clock time is not deterministic; use crm.now()",
      ["os.difftime"] = "use plain subtraction",
    }

    local frozen = raw_setmetatable({}, { __mode = "k" })

    local function readonly(t, name)
      if type(t) ~= "table" or frozen[t] then return t end
      local copy = {}
      for k, v in next, t do copy[k] = readonly(v, name .. "." .. tostring(k)) end
      local proxy = {}
      raw_setmetatable(proxy, {
        __index = copy,
        __newindex = function(_, k)
          error("`" .. name .. "` is read-only (cannot set `" .. tostring(k) .. "`)", 2)
        end,
        -- The iterator closes over `copy`, so the real table is never handed out.
        __pairs = function()
          local k
          return function() local v; k, v = next(copy, k); return k, v end, proxy, nil
        end,
        __len = function() return #copy end,
        __metatable = "read-only",
      })
      frozen[proxy] = true
      return proxy
    end

    local function forbidden_table(name, why)
      local proxy = raw_setmetatable({}, {
        __index = function(_, k) return forbid(name .. "." .. tostring(k), why) end,
        __newindex = function() error("`" .. name .. "` is not available in the sandbox", 2) end,
        __metatable = "forbidden",
      })
      frozen[proxy] = true
      return proxy
    end

    -- Wrapped functions: each closes a hole a C loop or a metatable would open.
    local function safe_setmetatable(t, mt)
      if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
        forbid("__gc", "finalizers run outside the instruction budget")()
      end
      return raw_setmetatable(t, mt)
    end
    local function safe_rawset(t, k, v)
      if frozen[t] then error("rawset on a read-only table is not allowed", 2) end
      return rawset(t, k, v)
    end
    local function safe_rep(s, n, sep)
      -- An empty result is built by a C loop of n iterations: refuse absurd counts.
      if math_type(n) and n > 100000000 then error("string.rep: count too large (at most 100000000)", 2) end
      return raw_rep(s, n, sep)
    end
    local function checked_range(fn, i, j)
      i, j = i or 1, j
      if j and i and j - i >= 1000000 then error(fn .. ": range too large", 3) end
    end
    local function safe_unpack(t, i, j)
      checked_range("table.unpack", i, j)
      return raw_unpack(t, i, j)
    end
    local function safe_move(a1, f, e, t, a2)
      checked_range("table.move", f, e)
      return raw_move(a1, f, e, t, a2)
    end

    local BASE = {}
    for _, name in next, ALLOWED_BASE do BASE[name] = _G[name] end
    BASE.setmetatable, BASE.rawset, BASE.print = safe_setmetatable, safe_rawset, host_print
    for name, why in next, DENIED_GLOBALS do BASE[name] = forbid(name, why) end
    for name, why in next, DENIED_TABLES do BASE[name] = forbidden_table(name, why) end

    local libs = {}
    for lib, names in next, ALLOWED_LIBS do
      local t = {}
      for _, name in next, names do t[name] = _G[lib][name] end
      libs[lib] = t
    end
    libs.string.rep, libs.table.unpack, libs.table.move = safe_rep, safe_unpack, safe_move
    libs.os = { time = function(t)
      if t ~= nil then error("os.time(t) is not supported; use crm.date", 2) end
      return host_time()
    end }
    for path, why in next, DENIED_FIELDS do
      local lib, name = path:match("^(%w+)%.(%w+)$")
      libs[lib][name] = forbid(path, why)
    end
    for lib, t in next, libs do BASE[lib] = readonly(t, lib) end

    -- Strings index a private copy of the string library; the metatable itself is hidden.
    local string_mt = raw_getmetatable("")
    string_mt.__index = libs.string
    string_mt.__metatable = "read-only"

    local ENV_MT = { __index = BASE, __metatable = "read-only" }

    local policy = {}
    -- A fresh environment for one run: whatever a script leaves in globals dies with it.
    function policy.new_env(seed)
      raw_randomseed(seed)
      local env = {}
      env._G = env
      env.load = function(chunk, name, mode, fenv)
        if type(chunk) ~= "string" then error("load: only source text can be loaded", 2) end
        if chunk:byte(1) == 27 then forbid("load of a binary chunk", "only source text can be loaded")() end
        return load(chunk, name or "=(load)", "t", fenv or env)
      end
      return raw_setmetatable(env, ENV_MT)
    end
    -- Installs an API table (deeply read-only) or a value under a global name.
    function policy.set_global(name, value) BASE[name] = readonly(value, name) end
    policy.readonly = readonly
    -- Marks a host-made view read-only for `rawset` too (its metatable guards plain writes).
    function policy.freeze(t) frozen[t] = true; return t end
    return policy
    """#
}
