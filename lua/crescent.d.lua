---@meta crescent
-- LuaLS definitions for Crescent campaign scripts: editors autocomplete and type-check
-- `segment`, `playbook`, `tier_ladder`, `points_rule`, the offers and `m`. Nothing here
-- runs; the host defines the real functions (Sources/CrescentLua/API/CRMPrelude.swift).
-- The field lists mirror Sources/CrescentLua/API/Schemas.swift, Schemas+Programme.swift
-- and MemberView.swift; ExampleScriptTests fails if a field there is missing here.
--
-- Money is in yuan (major units): write 299, not 29900.

---@alias crm.Goal
---| "acquire"    # turn visitors / prospects into customers
---| "activate"   # first order → repeat buyer
---| "retain"     # keep active members active
---| "win_back"   # recall silent / declining members
---| "upsell"     # bigger baskets, higher tiers, packs
---| "care"       # goodwill: birthdays, holidays
---| "refer"      # members bring friends

---@alias crm.Trigger
---| "payment"          # an order was paid
---| "first_app_open"   # the member opened the app for the first time
---| "birthday"         # the member's birthday (use days_before)
---| "points_expiring"  # points about to expire (use days_before)
---| "replenishment"    # a product is about to run out (needs days_after and category)
---| "holiday"          # a holiday (use holiday = "…")
---| "technician_note"  # a service technician wrote a note (e.g. worn tyre)
---| "signup"           # the member registered
---| "tier_change"      # the member's tier went up or down
---| "member_day"       # the monthly member day

---@alias crm.Lifecycle
---| "prospect"       # never ordered
---| "new"            # first order recently
---| "active_rising"  # buying more and more often
---| "active_mature"  # steady, frequent buyer
---| "declining"      # order frequency dropping
---| "silent"         # no order for a while
---| "churned"        # could not be recalled

---@alias crm.Tier "basic"|"silver"|"gold"|"platinum"

---@alias crm.Channel "sms"|"email"|"push"|"inapp"|"wechat"|"webhook"|"calltask"

---@alias crm.Category "face_mask"|"skincare"|"tyre"|"car_service"|"coffee"|"snacks"|"apparel"|"baby_care"|string

---@alias crm.ExpectMetric "reach"|"targeted"|"deliverable"|"redemptions"|"cost"|"revenue"|"roi"|"profit"|"recall_rate"|"suppressed"|"aov"|"discount_depth"

--- A comparison written as text (">= 4", "< 30", "== 2", "~= 0"), a plain number meaning
--- "==", or an inclusive range { low, high }.
---@alias crm.Comparison string|number|number[]

--- One string or a list of strings.
---@alias crm.Strings string|string[]

-- ---------------------------------------------------------------------------------------
-- The member: what a `where` predicate, an offer formula and a message see as `m`
-- ---------------------------------------------------------------------------------------

--- RFM scores, 1–5 each (5 is best); 0 when the member has never ordered.
---@class crm.RFM
---@field r integer Recency score: 5 = bought most recently
---@field f integer Frequency score: 5 = buys most often
---@field m integer Monetary score: 5 = spends the most

--- A member with their derived views. Read-only; optional fields are nil when unknown.
---@class crm.Member
---@field id integer Member id
---@field name string Full name ("" when unknown)
---@field gender? string e.g. "f", "m"; nil when unknown
---@field age? integer Age in whole years on the evaluation day; nil without a birthday
---@field birthday? string "YYYY-MM-DD"; nil when unknown
---@field city? string City name, e.g. "Shanghai"; nil when unknown
---@field tier crm.Tier|string Tier name: the script's tier_ladder decides it on the day when declared, else the stored tier
---@field points integer Points balance
---@field tags table<string, true> Tags as a set: `m.tags.vip` is true or nil
---@field consent table<crm.Channel|string, true> Channels the member consented to, as a set: `m.consent.sms`
---@field join_date string "YYYY-MM-DD" the member joined
---@field days_since_join integer Days since joining
---@field attributes table<string, string> Social and store attributes (education, occupation, income, interests, …); values are strings, use tonumber()
---@field lifecycle crm.Lifecycle Lifecycle stage
---@field rfm crm.RFM RFM scores
---@field recency_days? integer Days since the last order; nil if never ordered
---@field frequency integer Orders in the RFM window
---@field monetary number Spend in the RFM window (yuan)
---@field orders integer Orders ever
---@field total_spend number Spend ever (yuan)
---@field aov number Average order value (yuan); 0 without orders
---@field first_order? string "YYYY-MM-DD" of the first order
---@field last_order? string "YYYY-MM-DD" of the last order
---@field bought table<crm.Category, integer> Days since the last purchase in each category: `m.bought.face_mask`
---@field tier_change? "upgrade"|"renewal"|"downgrade"|"none" How the script's tier_ladder moved the member on the day; nil when the script declares no ladder (then `tier` is the stored tier)

-- ---------------------------------------------------------------------------------------
-- Segments
-- ---------------------------------------------------------------------------------------

--- A named group of members. All conditions given must hold; `where` runs last.
---@class crm.SegmentSpec
---@field description? string What the segment is, for people
---@field where? fun(m: crm.Member): boolean A predicate for anything the declarative fields cannot say
---@field lifecycle? crm.Lifecycle|crm.Lifecycle[] Stage, or any of several stages
---@field tier? crm.Tier|crm.Tier[] Tier, or any of several tiers
---@field city? crm.Strings City, or any of several cities
---@field gender? crm.Strings Gender, or any of several
---@field tags? crm.Strings Tags the member must ALL have
---@field consent? crm.Channel|crm.Channel[] Channels, of which the member must have consented to AT LEAST ONE
---@field rfm? { r?: crm.Comparison, f?: crm.Comparison, m?: crm.Comparison } Score comparisons, e.g. { m = ">= 4" }
---@field orders? crm.Comparison Orders ever, e.g. ">= 3"
---@field total_spend? crm.Comparison Spend ever (yuan)
---@field aov? crm.Comparison Average order value (yuan)
---@field recency_days? crm.Comparison Days since the last order (members who never ordered never match)
---@field days_since_join? crm.Comparison Days since joining
---@field points? crm.Comparison Points balance
---@field age? crm.Comparison Age in years (members without a birthday never match)
---@field union? crm.Strings Members of ANY of these segments
---@field intersect? crm.Strings Members of ALL of these segments
---@field exclude? crm.Strings Minus members of these segments

-- ---------------------------------------------------------------------------------------
-- Playbooks (5W2H)
-- ---------------------------------------------------------------------------------------

--- WHEN: a scheduled window (`at`, optional `until`) or an event scene (`trigger`).
--- `until` is a Lua keyword: write `["until"] = "2026-12-31 22:00"`, or use `ends`.
---@class crm.When
---@field at? string Start, "YYYY-MM-DD HH:MM" or "YYYY-MM-DD" (UTC)
---@field ["until"] string? End of the window, after `at`
---@field ends? string The same as `["until"]`, without the brackets: `ends = "2026-12-31 22:00"`
---@field every? string Repeat, e.g. "week", "month"
---@field trigger? crm.Trigger The event scene
---@field days_after? integer Days after the event (replenishment: days after the purchase)
---@field days_before? integer Days before the event (birthday, points expiring, holiday)
---@field category? crm.Category Category, for the replenishment trigger
---@field holiday? string Holiday name, for the holiday trigger
---@field within_days? integer Act within this many days of the event

--- HOW MUCH: the budget in yuan.
---@class crm.Budget
---@field total number Total budget (yuan), required
---@field platform_share? number Share paid by the platform, 0…1 (the rest by the merchant)
---@field per_member? number Cap per member (yuan)

--- One touch of a multi-step playbook.
---@class crm.Step
---@field after_days integer Days after the start, required (0 = the first touch)
---@field name? string Step name for reports
---@field channels? crm.Channel|crm.Channel[] Channels for this step (default: the playbook's)
---@field offer? crm.Offer|fun(m: crm.Member): crm.Offer? This step's own offer (default: the playbook's)
---@field message? crm.Message This step's copy
---@field only_if? "not_redeemed"|string Only members meeting this, e.g. "not_redeemed"

--- QA expectations the dry-run must meet: a comparison text, or a number meaning ">=".
---@class crm.Expect
---@field reach? string|number Members reached
---@field targeted? string|number Members in the audience
---@field deliverable? string|number Members with a usable channel
---@field redemptions? string|number Offers used
---@field cost? string|number Subsidy cost (yuan)
---@field revenue? string|number Attributed revenue (yuan)
---@field roi? string|number Return on investment, e.g. ">= 1.5"
---@field profit? string|number Profit (yuan)
---@field recall_rate? string|number Share of silent members recalled
---@field suppressed? string|number Members held back by guards
---@field aov? string|number Average order value (yuan)
---@field discount_depth? string|number 1 − paid / list price

--- Message copy with {{variables}}: one text, or one per segment with a `default`.
--- Variables: name, first_name, tier, points, id, lifecycle, orders, total_spend, city,
--- offer, coupon_value, min_spend, valid_days, valid_until, points_award, playbook.
---@alias crm.Message string|{ default?: string, [string]: string }

--- A 5W2H playbook.
---@class crm.PlaybookSpec
---@field description? string What the playbook does, for people
---@field goal crm.Goal WHY, required
---@field audience string|string[] WHO: segment name(s), required
---@field business_line? string Business line; one strategy per line, segment and time (default "default")
---@field when crm.When WHEN, required
---@field channels crm.Channel|crm.Channel[] WHERE, in fallback order, required
---@field budget? number|crm.Budget HOW MUCH (yuan): a total, or { total = …, … }
---@field offer? crm.Offer|fun(m: crm.Member): crm.Offer? WHAT / HOW: a fixed offer or a formula per member (nil: no offer)
---@field message? crm.Message The copy
---@field steps? crm.Step[] Several touches, e.g. day 0 coupon, day 3 reminder
---@field expect? crm.Expect QA expectations for the dry-run
---@field uplift? number Assumed response uplift for the forecast (default 1.5)
---@field window_days? integer Attribution window in days
---@field priority? integer Higher wins when playbooks compete
---@field resource? string WHAT, named (e.g. "coupon", "points", "content")

-- ---------------------------------------------------------------------------------------
-- Offers
-- ---------------------------------------------------------------------------------------

--- An offer value returned by coupon{…}, points{…}, red_packet{…}, call_task{…}, content{…}.
--- Offers are interned: equal fields give the same offer.
---@class crm.Offer
---@field ["$offer"] "coupon"|"points"|"red_packet"|"call_task"|"content"

--- A coupon: exactly one of `off`, `percent`, `free_shipping`, `gift`.
---@class crm.CouponSpec
---@field name? string Display name (default e.g. "50 off over 299")
---@field off? number Amount off (yuan)
---@field min_spend? number Minimum order (yuan)
---@field percent? integer Percent off, 1–99
---@field cap? number Cap on a percent-off discount (yuan)
---@field free_shipping? boolean Free shipping
---@field gift? string Gift SKU
---@field categories? crm.Category|crm.Category[] Only on these categories
---@field skus? crm.Strings Only on these SKUs
---@field stores? crm.Strings Only in these stores
---@field cities? crm.Strings Only in these cities
---@field per_member_per_day? integer Claim limit per member per day
---@field per_member_per_campaign? integer Claim limit per member per campaign (default 1)
---@field stock? integer Total coupons available
---@field budget? number Coupon budget (yuan)
---@field valid_days? integer Usable this many days after claim (default 14)
---@field valid_until? string Usable until this day, "YYYY-MM-DD" (instead of valid_days)
---@field claim_from? string Claim window start
---@field claim_until? string Claim window end
---@field type? string Coupon type for anti-harassment ("one of a type per period")
---@field cost? number Cost per issue (yuan), e.g. for gifts

---@class crm.PointsSpec
---@field name? string Display name
---@field award? integer Points awarded
---@field multiplier? number Points multiplier on spend, e.g. 2 for double points
---@field expiry_days? integer Points expire after this many days
---@field cost_per_point? number Cost of one point (yuan)

--- A share red packet: claim n by the same person gets amounts[n], the last amount from then on.
---@class crm.RedPacketSpec
---@field name? string Display name
---@field amounts number[] Amounts (yuan), not increasing, e.g. { 8, 5, 3 }; required
---@field min_spend? number Minimum order (yuan)
---@field valid_days? integer Usable this many days after claim

--- A task for the outbound call centre (channel "calltask").
---@class crm.CallTaskSpec
---@field name? string Display name
---@field queue string Call-centre queue, required, e.g. "outbound"
---@field note? string What the agent should know and offer
---@field priority? integer Queue priority (lower is sooner)
---@field cost? number Cost per call (yuan)

--- Content without a reward: an article, a reminder, a link.
---@class crm.ContentSpec
---@field name? string Display name
---@field title? string Title
---@field body? string Body text
---@field url? string Link

-- ---------------------------------------------------------------------------------------
-- The programme: one tier ladder and one points rule per script
-- ---------------------------------------------------------------------------------------

---@alias crm.Benefit
---| "member_price"      # member prices
---| "free_shipping"     # free shipping
---| "member_day"        # member-day offers
---| "join_anniversary"  # a gift on the join anniversary
---| "birthday_gift"     # a birthday gift
---| string              # a programme's own benefit code

---@alias crm.Weekday "monday"|"tuesday"|"wednesday"|"thursday"|"friday"|"saturday"|"sunday"

--- RFM scores a member must reach, 1–5 each; absent or 0 means any.
---@class crm.RFMScores
---@field r? integer Recency score at least this
---@field f? integer Frequency score at least this
---@field m? integer Monetary score at least this

--- How a member enters a tier (`entry`: any one condition given) or keeps it (`renewal`: exactly one).
---@class crm.TierCondition
---@field registration? boolean Every registered member; only the lowest tier may use it
---@field single_order? number One order paying at least this much (yuan)
---@field spend? number Orders paying at least this much in total (yuan) within `within_days`
---@field within_days? integer The window of `spend`, in days (default 365)
---@field paid_membership? boolean An active paid membership (member attribute `paid_until`, "YYYY-MM-DD")
---@field rfm? crm.RFMScores RFM-based promotion: scores at least these

--- One tier. Thresholds must rise from one tier to the next.
---@class crm.TierSpec
---@field name string Tier name, required, e.g. "gold"; unique in the ladder
---@field description? string What the tier is, for people
---@field entry crm.TierCondition Required: any one of these conditions admits the member
---@field validity_days? integer Days the tier lasts once reached (or renewed); absent: for good
---@field renewal? crm.TierCondition Met during the period, the tier renews; otherwise any entry condition renews it, else the member drops one tier
---@field benefits? crm.Benefit|crm.Benefit[] Perks of the tier

--- The programme's tiers. Declaring one makes `m.tier` the tier it gives on the day.
---@class crm.TierLadderSpec
---@field description? string What the ladder is, for people
---@field tiers crm.TierSpec[] Required: the tiers, lowest first

--- Extra points on some days. The largest multiplier of the day applies; they do not stack.
---@class crm.PointsMultiplier
---@field name? string Name for people, e.g. "member day"
---@field factor integer Required: 2 for double points, 3 for triple
---@field weekdays? crm.Weekday|crm.Weekday[] Days of the week it applies on
---@field dates? string|string[] Dates it applies on, "YYYY-MM-DD"

--- How the programme's points are earned and spent as cash.
---@class crm.PointsRuleSpec
---@field description? string What the rule is, for people
---@field earn integer Required: points per whole yuan paid
---@field multipliers? crm.PointsMultiplier[] Double / triple points days
---@field activities? table<string, integer> Points per activity: { login = 5, game = 10, task = 50 }
---@field expiry_days? integer Points expire this many days after they are earned
---@field spend? integer Points that pay 1 yuan (default 100)
---@field cap? number At most this much (yuan) of an order paid with points; or
---@field cap_percent? integer At most this percentage (1–100) of an order paid with points

-- ---------------------------------------------------------------------------------------
-- Declarations: `segment "name" { … }` is `segment("name")({ … })`
-- ---------------------------------------------------------------------------------------

--- Declares a segment: `segment "silent_high_value" { lifecycle = "silent", rfm = { m = ">= 4" } }`.
---@param name string
---@return fun(spec: crm.SegmentSpec): string
function segment(name) end

--- Declares a playbook: `playbook "winback" { goal = "win_back", audience = "…", when = { … }, channels = { … } }`.
---@param name string
---@return fun(spec: crm.PlaybookSpec): string
function playbook(name) end

--- Declares the programme's tiers: `tier_ladder "club" { tiers = { { name = "basic", entry = { registration = true } }, … } }`.
---@param name string
---@return fun(spec: crm.TierLadderSpec): string
function tier_ladder(name) end

--- Declares the programme's points rule: `points_rule "club" { earn = 1, spend = 100, cap_percent = 20 }`.
---@param name string
---@return fun(spec: crm.PointsRuleSpec): string
function points_rule(name) end

---@param spec crm.CouponSpec
---@return crm.Offer
function coupon(spec) end

---@param spec crm.PointsSpec
---@return crm.Offer
function points(spec) end

---@param spec crm.RedPacketSpec
---@return crm.Offer
function red_packet(spec) end

---@param spec crm.CallTaskSpec
---@return crm.Offer
function call_task(spec) end

---@param spec crm.ContentSpec
---@return crm.Offer
function content(spec) end

--- Host services. Time comes from the host (deterministic in dry-runs).
---@class crm.Host
crm = {}

--- The current time in seconds since 1970 (UTC), as the host sets it (`--now`).
---@return integer
function crm.now() end

--- "YYYY-MM-DD" (UTC) of a time in seconds; default now.
---@param t? integer
---@return string
function crm.date(t) end

--- n days in seconds, for arithmetic with crm.now(): `crm.date(crm.now() + crm.days(7))`.
---@param n number
---@return integer
function crm.days(n) end

--- Points the script's points_rule gives for paying `amount` yuan on `day` ("YYYY-MM-DD",
--- default today), the day's multiplier included. Call it in a formula or `where`: the
--- rule applies once the script has loaded.
---@param amount number
---@param day? string
---@return integer
function crm.points_for(amount, day) end

--- The cash (yuan) `points` pay under the script's points_rule, and the points that takes;
--- with `order_amount` (yuan), within the rule's per-order cap: `crm.points_cash(m.points, 299)`.
---@param points integer
---@param order_amount? number
---@return number cash
---@return integer points_used
function crm.points_cash(points, order_amount) end

-- ---------------------------------------------------------------------------------------
-- The sandbox: what the standard library looks like to a script
-- ---------------------------------------------------------------------------------------
-- .luarc.json disables the `io`, `os`, `debug` and `package` libraries (so `io.open`,
-- `debug.getinfo`, `require`, `package.path` are undefined globals in the editor). Of
-- `os`, only `os.time()` exists, redeclared here; `os.execute`, `os.getenv`, … are
-- undefined fields. The basic functions the sandbox removes are marked deprecated so
-- the editor flags them.

--- Only the host's clock: `os.time()` with no argument (same as `crm.now()`).
---@class crm.OS
os = {}

--- The current time in seconds as the host sets it. `os.time(t)` is not supported.
---@return integer
function os.time() end

---@deprecated Not available in the Crescent sandbox: scripts cannot load files.
function dofile(filename) end

---@deprecated Not available in the Crescent sandbox: scripts cannot load files.
function loadfile(filename, mode, env) end

---@deprecated Not available in the Crescent sandbox: the host manages memory.
function collectgarbage(opt, ...) end

---@deprecated Not available in the Crescent sandbox: one script is one file.
function require(modname) end
