/// The Lua half of the marketer's API: the declaration functions scripts call
/// (`segment`, `playbook`, `coupon`, `points`, …) and the trusted loops the host uses to
/// evaluate them over members (read-only member views filled lazily from the host's columns).
///
/// It runs once per state after the sandbox policy, receives `set_global` to publish the
/// public names read-only, and returns `internal`, which only the host can reach.
enum CRMPrelude {
    static let source = #"""
    local set_global, script_line, host_now, host_points_for, host_points_cash, freeze, keep_frame, load_column, field_names = ...
    local type, error, pairs, ipairs, tostring, next, select, table_sort, table_concat, setmetatable, rawget, pcall =
          type, error, pairs, ipairs, tostring, next, select, table.sort, table.concat, setmetatable, rawget, pcall
    local math_type, huge = math.type, math.huge
    local FUNCTION = { ["$function"] = true }
    -- As deep as the host reads data (LuaValue.maxNestingDepth): deeper tables are refused
    -- here, on the declaration's line, before any recursive walk gets slow.
    local MAX_DEPTH = 64

    local decls  -- the declarations of the program being loaded
    local function declare(kind, name, spec)
      if decls == nil then error(kind .. " can only be declared while a script loads", 3) end
      if type(name) ~= "string" or name == "" then
        error(kind .. ' needs a name, e.g. ' .. kind .. ' "my_' .. kind .. '" { ... }', 3)
      end
      if type(spec) ~= "table" then
        error(kind .. ' "' .. name .. '" needs a table of fields: ' .. kind .. ' "' .. name .. '" { ... }', 3)
      end
      local byname = decls.by_kind[kind]
      if byname[name] then error(kind .. ' "' .. name .. '" is declared twice', 3) end
      byname[name] = spec
      decls.list[#decls.list + 1] = { kind = kind, name = name, line = script_line(), spec = spec }
      return name
    end
    local function declarer(kind)
      return function(name) return function(spec) return declare(kind, name, spec) end end
    end

    -- Offers are interned: the same fields give the same object, so the host reads each
    -- distinct offer once however many members get it.
    local interned, interned_list = {}, {}
    -- Only tables made by coupon{...} and friends are offers: a hand-made table with `$id`
    -- keys is not one (the host trusts an offer's id).
    local genuine = {}
    local function key_of(v, depth)
      local t = type(v)
      if t ~= "table" then return t:sub(1, 1) .. tostring(v) end
      depth = (depth or 0) + 1
      if depth > MAX_DEPTH then error("fields are nested more than " .. MAX_DEPTH .. " levels deep", 0) end
      local keys = {}
      for k in next, v do keys[#keys + 1] = tostring(k) end
      table_sort(keys)
      local parts = {}
      for i, k in ipairs(keys) do
        local val = v[k]
        if val == nil then val = v[tonumber(k)] end
        parts[i] = k .. "=" .. key_of(val, depth)
      end
      return "{" .. table_concat(parts, ",") .. "}"
    end
    -- A NaN or infinite number (0/0, x/0 in a formula) is refused where it is made, naming
    -- the field, while the member it was computed for is still the one being evaluated.
    local function number_problem(v, path)
      for f, x in next, v do
        if math_type(x) == "float" then
          if x ~= x or x == huge or x == -huge then
            local where = path and (path .. "[" .. tostring(f) .. "]") or tostring(f)
            if x ~= x then return "field `" .. where .. "` is not a number (NaN, e.g. from 0/0)" end
            return "field `" .. where .. "` is infinite (e.g. from dividing by 0)"
          end
        elseif type(x) == "table" and path == nil then
          local problem = number_problem(x, tostring(f))
          if problem then return problem end
        end
      end
    end
    -- key_of is slow to build for every member, and a formula hands out the same few
    -- offers again and again: a flat spec (string keys; number, string or boolean values)
    -- is first compared field by field with the offers of its kind it matched last. A match
    -- is one key_of would also make (same type, same integer/float subtype, same sign of
    -- zero, so the same text); anything else takes the key_of path.
    local RECENT = 8
    local recent = {}  -- kind -> { { fields = copy of a flat spec, n = field count, offer = o }, ... } newest first
    local FLAT = { number = true, string = true, boolean = true }
    local function matches(spec, entry)
      local fields, n = entry.fields, 0
      for f, v in next, spec do
        local w = fields[f]
        if w == nil or w ~= v or math_type(w) ~= math_type(v) then return false end
        if v == 0 and math_type(v) == "float" and 1 / v ~= 1 / w then return false end
        n = n + 1
      end
      return n == entry.n
    end
    local function recently_interned(kind, spec)
      local list = recent[kind]
      if list == nil then return nil end
      for i = 1, #list do
        local entry = list[i]
        if matches(spec, entry) then return entry.offer end
      end
    end
    local function remember(kind, spec, o)
      local fields, n = {}, 0
      for f, v in next, spec do
        if type(f) ~= "string" or not FLAT[type(v)] then return end
        fields[f] = v; n = n + 1
      end
      local list = recent[kind]
      if list == nil then list = {}; recent[kind] = list end
      for i = math.min(#list, RECENT - 1), 1, -1 do list[i + 1] = list[i] end
      list[1] = { fields = fields, n = n, offer = o }
    end
    local function offer(kind)
      return function(spec)
        -- Errors carry no position: the host blames the innermost script frame, which
        -- keep_frame keeps on the stack even for `return coupon { ... }`.
        if type(spec) ~= "table" then error(kind .. " needs a table of fields: " .. kind .. " { ... }", 0) end
        -- A match's values are those of a spec that was interned: finite, flat, no `$` field.
        local again = recently_interned(kind, spec)
        if again then return again end
        local problem = number_problem(spec)
        if problem then error(kind .. ": " .. problem, 0) end
        local ok, k = pcall(key_of, spec)
        if not ok then error(kind .. ": " .. tostring(k), 0) end
        k = kind .. k
        local found = interned[k]
        if found then remember(kind, spec, found); return found end
        local o = { ["$offer"] = kind, ["$id"] = #interned_list + 1, ["$line"] = script_line() }
        for f, v in next, spec do
          if type(f) == "string" and f:sub(1, 1) == "$" then error(kind .. ": field names starting with `$` are reserved", 0) end
          o[f] = v
        end
        genuine[o] = true
        interned[k] = o
        interned_list[#interned_list + 1] = o
        remember(kind, spec, o)
        return o
      end
    end

    -- Comparisons written as text: ">= 4", "< 30", "== 2", or a plain number meaning ==.
    local OPS = {
      [">="] = function(a, b) return a >= b end, ["<="] = function(a, b) return a <= b end,
      [">"] = function(a, b) return a > b end, ["<"] = function(a, b) return a < b end,
      ["=="] = function(a, b) return a == b end, ["~="] = function(a, b) return a ~= b end,
    }
    local function comparison(field, spec)
      if type(spec) == "number" then return function(v) return v == spec end end
      if type(spec) == "table" and #spec == 2 then
        local lo, hi = spec[1], spec[2]
        return function(v) return v >= lo and v <= hi end
      end
      local op, num = tostring(spec):match("^%s*([<>=~]=?)%s*(-?[%d%.]+)%s*$")
      local f = OPS[op or ""]
      if not f or not tonumber(num) then
        error(field .. ': "' .. tostring(spec) .. '" is not a comparison; write ">= 4", "< 30" or {1, 5}', 0)
      end
      num = tonumber(num)
      return function(v) return v ~= nil and f(v, num) end
    end
    local function one_of(spec)
      local set = {}
      if type(spec) == "table" then for _, v in ipairs(spec) do set[v] = true end else set[spec] = true end
      return set
    end

    -- Declarative conditions compile to small closures; `where` runs last. Each test has a
    -- label and reads a value, so `explain` can name the first one a member fails.
    local NUMERIC = { "orders", "total_spend", "aov", "recency_days", "days_since_join", "points", "age" }
    local function describe(v)
      if type(v) == "string" then return 'the string "' .. v .. '"' end
      if type(v) == "number" then return "the number " .. tostring(v) end
      return "a " .. type(v)
    end
    local function shown(spec)
      if type(spec) ~= "table" then return tostring(spec) end
      local parts = {}
      for i, v in ipairs(spec) do parts[i] = tostring(v) end
      return "{" .. table_concat(parts, ", ") .. "}"
    end
    -- Only booleans (and nil) decide: "false", 0 and {} are true in Lua and would match everyone.
    local function where_result(name, r)
      if r == true then return true end
      if r == false or r == nil then return false end
      error('segment "' .. tostring(name) .. '": `where` must return true or false, got ' .. describe(r), 0)
    end
    -- A segment's own conditions, each with a label and a reader of the member's value, so
    -- `explain` names the first that fails with the member's value.
    local function compile_tests(spec, name)
      local tests, labels, values = {}, {}, {}
      local function add(test, label, value) local n = #tests + 1; tests[n], labels[n], values[n] = test, label, value end
      for _, field in ipairs({ "lifecycle", "tier", "city", "gender" }) do
        if spec[field] ~= nil then
          local set = one_of(spec[field])
          add(function(m) return set[m[field]] == true end, field .. " in " .. shown(spec[field]),
              function(m) return m[field] end)
        end
      end
      for _, field in ipairs(NUMERIC) do
        if spec[field] ~= nil then
          local cmp = comparison(field, spec[field])
          local label = type(spec[field]) == "number" and (field .. " == " .. spec[field])
            or type(spec[field]) == "table" and (field .. " in " .. shown(spec[field])) or (field .. " " .. tostring(spec[field]))
          add(function(m) return cmp(m[field]) end, label, function(m) return m[field] end)
        end
      end
      if spec.rfm ~= nil then
        for _, k in ipairs({ "r", "f", "m" }) do
          if spec.rfm[k] ~= nil then
            local cmp = comparison("rfm." .. k, spec.rfm[k])
            local s = spec.rfm[k]
            local label = "rfm." .. k .. (type(s) == "number" and (" == " .. s) or type(s) == "table" and (" in " .. shown(s))
              or (" " .. tostring(s)))
            add(function(m) return cmp(m.rfm[k]) end, label, function(m) return m.rfm[k] end)
          end
        end
      end
      if spec.tags ~= nil then
        local wanted = type(spec.tags) == "table" and spec.tags or { spec.tags }
        add(function(m)
          for _, t in ipairs(wanted) do if not m.tags[t] then return false end end
          return true
        end, "tags include " .. shown(wanted), function(m)
          local missing = {}
          for _, t in ipairs(wanted) do if not m.tags[t] then missing[#missing + 1] = t end end
          return "missing " .. shown(missing)
        end)
      end
      if spec.consent ~= nil then
        local set = one_of(spec.consent)
        add(function(m)
          for c in next, set do if m.consent[c] then return true end end
          return false
        end, "consent to any of " .. shown(spec.consent), nil)
      end
      if type(spec.where) == "function" then
        local where = spec.where
        add(function(m) return where_result(name, where(m)) end, "where", nil)
      end
      return tests, labels, values
    end
    -- One predicate running `tests` in order (nil: no tests).
    local function all_of(tests)
      local n = #tests
      if n == 0 then return nil end
      if n == 1 then return tests[1] end
      return function(m)
        for i = 1, n do if not tests[i](m) then return false end end
        return true
      end
    end
    local function compile_segment(spec, name) return all_of(compile_tests(spec, name)) end

    -- Declarations as plain data for the host. Only genuine offers may carry `$` keys (the
    -- host reads `$offer`, `$id`, `$function` as markers it made), and nesting is bounded.
    local function plain(v, seen, depth, path)
      local t = type(v)
      if t == "function" then return FUNCTION end
      if t ~= "table" then return v end
      if depth > MAX_DEPTH then error("field `" .. path .. "` is nested more than " .. MAX_DEPTH .. " levels deep", 0) end
      if seen[v] then return "<cycle>" end
      seen[v] = true
      local out, is_offer = {}, genuine[v]
      for k, x in next, v do
        local tk = type(k)
        if tk == "string" and not is_offer and k:sub(1, 1) == "$" then
          error("field `" .. (path or k) .. "`: names starting with `$` are reserved; "
                .. "make offers with coupon{...}, points{...}, red_packet{...}, call_task{...} or content{...}", 0)
        end
        if tk == "string" or tk == "number" then out[k] = plain(x, seen, depth + 1, path or tostring(k)) end
      end
      seen[v] = nil
      return out
    end
    local function plain_spec(spec) return plain(spec, {}, 1, nil) end

    -- Member views are built lazily from columns. Scripts never hold a member's own data:
    -- they read one read-only view per state (a flyweight) that the evaluation loops point
    -- at the member being evaluated, so a `where` that writes gets an error and cannot change
    -- what later members or segments see. A view reads through a cache; a field missing from
    -- it (not read yet in this pass) asks the host for the field's column (`load_column`,
    -- every loaded member at once, once per state) and becomes "hot": from then on the loop
    -- copies it into the cache for each member it points at. Fields no script reads cost
    -- nothing, and a predicate reads plain table fields.
    -- Member views answer nil for a known field that is absent (a prospect's recency) and
    -- raise for a misspelt one, so `m.freqency` is a clear error rather than a silent nil.
    local KNOWN_FIELDS = {}
    for _, name in ipairs(field_names) do KNOWN_FIELDS[name] = true end
    local function distance(a, b)
      local prev = {}
      for j = 0, #b do prev[j] = j end
      for i = 1, #a do
        local cur = { [0] = i }
        for j = 1, #b do
          local cost = a:sub(i, i) == b:sub(j, j) and 0 or 1
          cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        end
        prev = cur
      end
      return prev[#b]
    end
    local function not_a_field(k)
      local best, score = nil, 3
      for name in next, KNOWN_FIELDS do
        local d = distance(tostring(k), name)
        if d < score then best, score = name, d end
      end
      return "`m." .. tostring(k) .. "` is not a member field" .. (best and (", did you mean `m." .. best .. "`?") or "")
    end

    local columns = {}   -- column name ("orders", "rfm.r", "tags") -> value per loaded member
    local pointed = 0    -- the member (1-based) the views show
    local function column(name)
      local c = columns[name]
      if c == nil then c = load_column(name); columns[name] = c end
      return c
    end
    -- Hot fields: target[key] = column[member] for each member pointed at. `reset` is what
    -- target[key] goes back to when a pass begins (nil in a cache, the loader for a table).
    local hot_target, hot_key, hot_column, hot_reset, nhot, is_hot = {}, {}, {}, {}, 0, {}
    local function make_hot(name, target, key, col, reset)
      if is_hot[name] then return end
      is_hot[name] = true
      nhot = nhot + 1
      hot_target[nhot], hot_key[nhot], hot_column[nhot], hot_reset[nhot] = target, key, col, reset
    end
    -- A pass (one evaluation call) starts cold, so it fills only what its own scripts read.
    local function begin_pass()
      for h = 1, nhot do hot_target[h][hot_key[h]] = hot_reset[h] end
      nhot, is_hot = 0, {}
    end

    local function read_only_view(label)
      local mt = { __metatable = "member" }
      mt.__newindex = function(_, k)
        error("member views are read-only (cannot set `" .. label .. tostring(k) .. "`)", 2)
      end
      mt.__len = function() return 0 end
      local view = freeze(setmetatable({}, mt))
      return view, mt
    end
    -- A view of named fields (the member, `m.rfm`), read through a cache filled from columns.
    -- Another key is nil, or with `strict` an error naming the caller's line.
    local function record_view(label, prefix, keys, strict)
      local view, mt = read_only_view(label)
      local known = {}
      for _, k in ipairs(keys) do known[k] = true end
      local cache = setmetatable({}, { __index = function(cache, k)
        if not known[k] then
          if strict then error(not_a_field(k), 2) end
          return nil
        end
        local name = prefix .. k
        local col = column(name)
        make_hot(name, cache, k, col, nil)
        local v = col[pointed]
        cache[k] = v
        return v
      end })
      mt.__index = cache
      -- pairs walks the fields in a fixed order, skipping absent ones; values as `view[k]`.
      mt.__pairs = function()
        local i = 0
        return function()
          while true do
            i = i + 1
            local k = keys[i]
            if k == nil then return nil end
            local v = view[k]
            if v ~= nil then return k, v end
          end
        end, view, nil
      end
      return view, cache
    end
    -- A view of a table per member (`m.tags`): the loop points its metatable at the member's.
    local function table_view(name)
      local view, mt = read_only_view("m." .. name .. ".")
      local function load(_, k)
        local col = column(name)
        make_hot(name, mt, "__index", col, load)
        local raw = col[pointed]
        mt.__index = raw
        return raw[k]
      end
      mt.__index = load
      local function raw()
        if mt.__index == load then load(nil, nil) end
        return mt.__index
      end
      mt.__len = function() return #raw() end
      -- The iterator closes over the member's table rather than handing it out as pairs' state.
      mt.__pairs = function()
        local t = raw()
        return function(_, k) return next(t, k) end, view, nil
      end
      return view
    end

    local MEMBER, MEMBER_CACHE = record_view("m.", "", field_names, true)
    local RFM, RFM_CACHE = record_view("m.rfm.", "rfm.", { "r", "f", "m" }, false)
    -- Nested views stay in the member's cache: they are the same objects for every member.
    local NESTED = { rfm = RFM }
    for _, name in ipairs({ "tags", "consent", "attributes", "bought" }) do NESTED[name] = table_view(name) end
    for name, view in next, NESTED do MEMBER_CACHE[name] = view end

    -- Points the views at member `i` (1-based) and returns the member view.
    local function point(i)
      pointed = i
      for h = 1, nhot do hot_target[h][hot_key[h]] = hot_column[h][i] end
      return MEMBER
    end

    local crm = {}
    function crm.now() return host_now() end
    function crm.days(n) return n * 86400 end
    -- "YYYY-MM-DD" (UTC) of a time in seconds, default now.
    function crm.date(t)
      t = t or host_now()
      local z = t // 86400 + 719468
      local era = (z >= 0 and z or z - 146096) // 146097
      local doe = z - era * 146097
      local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
      local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
      local mp = (5 * doy + 2) // 153
      local d = doy - (153 * mp + 2) // 5 + 1
      local mo = mp < 10 and mp + 3 or mp - 9
      local y = yoe + era * 400 + (mo <= 2 and 1 or 0)
      return string.format("%04d-%02d-%02d", y, mo, d)
    end
    -- The script's points_rule, applied by the host (Core's PointsRule) once the script has loaded.
    crm.points_for = host_points_for
    crm.points_cash = host_points_cash

    set_global("segment", declarer("segment"))
    set_global("playbook", declarer("playbook"))
    set_global("tier_ladder", declarer("tier_ladder"))
    set_global("points_rule", declarer("points_rule"))
    -- One per programme, so it has no name: economics { margin = 0.35, ... }. A second one is
    -- kept under its own key so the host can report it with both lines.
    set_global("economics", function(spec)
      if type(spec) ~= "table" then error("economics needs a table of fields: economics { margin = 0.35 }", 2) end
      local n = decls and #decls.list or 0
      return declare("economics", "economics#" .. n, spec)
    end)
    set_global("coupon", keep_frame(offer("coupon")))
    set_global("points", keep_frame(offer("points")))
    set_global("red_packet", keep_frame(offer("red_packet")))
    set_global("call_task", keep_frame(offer("call_task")))
    set_global("content", keep_frame(offer("content")))
    set_global("crm", crm)

    local internal = {}
    -- New members were loaded: the columns read so far belong to the old ones.
    function internal.attach_members()
      columns = {}
      begin_pass()
      pointed = 0
    end
    function internal.begin()
      decls = { list = {}, by_kind = { segment = {}, playbook = {}, tier_ladder = {}, points_rule = {}, economics = {} } }
      return decls
    end
    function internal.finish() local d = decls; decls = nil; return d end
    -- Plain description of every declaration, functions replaced by { ["$function"] = true }.
    function internal.describe(d)
      local out = {}
      for i, entry in ipairs(d.list) do
        local ok, spec = pcall(plain_spec, entry.spec)
        out[i] = { kind = entry.kind, name = entry.name, line = entry.line,
                   spec = ok and spec or {}, problem = not ok and tostring(spec) or nil }
      end
      return out
    end
    function internal.offers_since(first)
      local out = {}
      for i = first, #interned_list do out[#out + 1] = plain(interned_list[i], {}, 1, nil) end
      return out
    end

    -- The member being evaluated, so an error can name them.
    local current = 0
    function internal.current() return current end

    -- Those of `indices` (1-based, into the loaded members; nil: all `count`) for which
    -- `where` returns true. The hot path: pointing the views and checking are inlined.
    local function where_pass(name, where, indices, count)
      begin_pass()
      local out, n = {}, 0
      for j = 1, indices and #indices or count do
        local i = indices and indices[j] or j
        current, pointed = i, i
        for h = 1, nhot do hot_target[h][hot_key[h]] = hot_column[h][i] end
        local r = where(MEMBER)
        if r == true or (r ~= false and r ~= nil and where_result(name, r)) then n = n + 1; out[n] = i end
      end
      current = 0
      return out
    end
    -- Indices (1-based) of the `count` loaded members matching segment `name`'s own conditions.
    function internal.eval_segment(d, name, count)
      local spec = d.by_kind.segment[name]
      local tests, labels = compile_tests(spec, name)
      local out, n = {}, 0
      if #tests == 0 then
        for i = 1, count do out[i] = i end
        return out
      end
      if #tests == 1 and labels[1] == "where" then return where_pass(name, spec.where, nil, count) end
      local pred = all_of(tests)
      begin_pass()
      for i = 1, count do
        current, pointed = i, i
        for h = 1, nhot do hot_target[h][hot_key[h]] = hot_column[h][i] end
        if pred(MEMBER) then n = n + 1; out[n] = i end
      end
      current = 0
      return out
    end
    function internal.validate_segment(spec) compile_segment(spec, "") end
    -- Those of `indices` whose `where` returns true: the host has applied the segment's
    -- declarative conditions natively and left only these members.
    function internal.eval_where(d, name, indices)
      local where = d.by_kind.segment[name].where
      if type(where) ~= "function" then return indices end
      return where_pass(name, where, indices)
    end
    -- The first of segment `name`'s own conditions member `idx` fails, with the member's
    -- value ("rfm.m >= 4 (member: 2)"), or nil when they meet them all.
    function internal.explain_segment(d, name, idx)
      local tests, labels, values = compile_tests(d.by_kind.segment[name], name)
      begin_pass()
      local m = point(idx)
      current = idx
      for i = 1, #tests do
        if not tests[i](m) then
          current = 0
          if labels[i] == "where" then return "where returned false" end
          if values[i] == nil then return labels[i] end
          local v = values[i](m)
          return labels[i] .. " (member: " .. (v == nil and "none" or tostring(v)) .. ")"
        end
      end
      current = 0
      return nil
    end

    -- Offer ids for the given member indices: 0 = no offer. With `variant`, the offer of that
    -- variant (of the step's own variants, else the playbook's) replaces the formula.
    function internal.eval_offers(d, playbook, indices, step, variant)
      local spec = d.by_kind.playbook[playbook]
      local s = step and spec.steps[step]
      local formula
      if variant then formula = ((s and s.variants) or spec.variants)[variant].offer
      else formula = (s and s.offer) or spec.offer end
      local out = {}
      if type(formula) ~= "function" then
        local id = (genuine[formula] and formula["$id"]) or 0
        for i = 1, #indices do out[i] = id end
        return out
      end
      begin_pass()
      for i = 1, #indices do
        local idx = indices[i]
        current = idx
        local o = formula(point(idx))
        if o == nil or o == false then out[i] = 0
        elseif genuine[o] then out[i] = o["$id"]
        else
          local got = type(o) == "table" and "a table not made by one of them" or ("a " .. type(o))
          error("offer must return coupon{...}, points{...}, red_packet{...}, call_task{...}, content{...} or nil, got " .. got, 0)
        end
      end
      current = 0
      return out
    end
    return internal
    """#
}
