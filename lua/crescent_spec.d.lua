---@meta crescent_spec
-- The spec API of `crescent test` (files named `*_spec.lua`, by convention in scripts/tests/),
-- for the Lua language server (LuaLS). The host defines these functions in the spec's
-- sandbox; each call remembers its line, so a failing expectation is reported as file:line.
--
--   spec   { script = "../winback_silent.lua", at = "1998-07-01 10:00" }
--   member { id = 1, name = "Ann Lee", consent = { "sms" }, orders = { { at = "1998-02-01", amount = 150 } } }
--   order  { member = 1, day = 2, amount = 80 }
--   expect { member = 1, step = "push_reminder", sent = false }

---@class crm.SpecQuietHours
---@field from? string "HH:MM" local time quiet hours start (default "21:00")
---@field to? string "HH:MM" local time they end (default "09:00")
---@field exempt? crm.Channel|crm.Channel[] Channels quiet hours do not apply to (default "inapp")

---@class crm.SpecFrequencyCap
---@field channel crm.Channel At most `max` messages on this channel …
---@field max integer … per member …
---@field days integer … within this many days

---@class crm.SpecPolicy The deployment's guard policy the spec runs under (default: quiet hours 21:00–09:00, nothing else)
---@field quiet_hours? crm.SpecQuietHours|false Quiet hours, or false for none
---@field frequency_caps? crm.SpecFrequencyCap[]
---@field max_unused_coupons? integer A member holding this many unused coupons gets no more
---@field same_type_days? integer A coupon type goes to a member at most once in this many days
---@field overlap_days? integer One strategy per business line per member within this many days

---@class crm.Spec
---@field script string The script under test, relative to the spec file
---@field at string "YYYY-MM-DD HH:MM": the moment; scripts see the history before its day
---@field timezone? string IANA name (default "UTC"); `at` and every fixture time are local to it
---@field playbook? string The playbook expectations are about (default: the script's only one)
---@field days? integer Days the simulated clock runs from `at`'s day (default: the playbook's window)
---@field policy? crm.SpecPolicy

---@class crm.SpecOrder
---@field at? string "YYYY-MM-DD[ HH:MM]" when it was paid (or `day`)
---@field day? integer Days after the spec's day (0 = that day), at `time`
---@field time? string "HH:MM" with `day` (default "12:00")
---@field amount number Paid, in yuan
---@field category? crm.Category What was bought (`m.bought.<category>`)
---@field quantity? integer Units (default 1)

---@class crm.SpecPointsLot
---@field on string "YYYY-MM-DD" the lot expires
---@field points? integer Points in the lot (default the whole balance)

---@class crm.SpecMember
---@field id integer The member's id
---@field name? string Full name (`{{first_name}}` is its first word)
---@field joined? string "YYYY-MM-DD", before the spec's day (default a year before it)
---@field tier? crm.Tier|string Stored tier (default "basic")
---@field points? integer Points balance
---@field birthday? string "YYYY-MM-DD"
---@field tags? crm.Strings
---@field consent? crm.Channel|crm.Channel[] Channels the member consented to
---@field attributes? table<string, string|number>
---@field city? string
---@field gender? string
---@field phone? string
---@field email? string
---@field timezone? string The member's own time zone for quiet hours (default the spec's)
---@field orders? crm.SpecOrder[] History (and later orders, replayed on their day)
---@field points_expiring? crm.SpecPointsLot[] Points lots that expire (the `points_expiring` scene comes from them)

---@class crm.SpecLaterOrder: crm.SpecOrder
---@field member integer Whose order: it is replayed on its day (a `payment`: triggers, `exit_on`, redemptions)

---@class crm.SpecEvent
---@field member integer
---@field kind crm.Trigger|string The event, e.g. "signup", "member_day", "technician_note"
---@field at? string "YYYY-MM-DD HH:MM" (or `day`)
---@field day? integer Days after the spec's day, at `time`
---@field time? string "HH:MM" with `day` (default "12:00")

---@alias crm.SuppressionReason "holdout"|"outside_claim_window"|"overlap"|"no_consent"|"quiet_hours"|"frequency_cap"|"claim_limit_day"|"claim_limit_campaign"|"too_many_unused_coupons"|"same_type_recently"|"out_of_stock"|"budget_exhausted"

---@class crm.SpecExpectation Every claim given is checked and reported on this line
---@field member integer Whose outcome
---@field playbook? string Default: the spec's playbook
---@field step? string The step's name (default the first step)
---@field in_segment? string The member is in this segment
---@field not_in_segment? string The member is not in this segment
---@field enters? boolean The member enters the playbook's journey (or never does)
---@field entries? integer The member enters the journey this many times over the simulated days (re-entry)
---@field offer? string|false The step gives this offer (by name), or none
---@field channel? crm.Channel The step is sent on this channel
---@field sent? boolean The step is sent (or not)
---@field suppressed? crm.SuppressionReason The step is suppressed for this reason
---@field message? string The rendered message, exactly
---@field message_contains? string The rendered message contains this text
---@field exits? string|false The journey ends early with this reason ("payment", "no_consent", "no_offer", …), or does not
---@field day? integer The step runs on this day (0 = the spec's day)

--- The script under test and the moment; once per file, before everything else.
---@param spec crm.Spec
function spec(spec) end

--- A fixture member with their history.
---@param spec crm.SpecMember
function member(spec) end

--- An order after the spec's moment, replayed on its day.
---@param spec crm.SpecLaterOrder
function order(spec) end

--- An event (not an order) arriving for a member: it enters journeys it triggers and ends
--- journeys that exit on it.
---@param spec crm.SpecEvent
function event(spec) end

--- What must hold; a failure names this line with expected and actual.
---@param spec crm.SpecExpectation
function expect(spec) end
