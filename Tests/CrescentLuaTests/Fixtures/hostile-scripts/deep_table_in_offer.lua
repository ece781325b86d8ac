-- expect: runtime line 9
-- problem: coupon: fields are nested more than 64 levels deep
local deep = {}
for i = 1, 100000 do deep = { deep } end
segment "everyone" { where = function(m) return true end }
playbook "p" {
  goal = "retain", audience = "everyone", channels = "sms",
  when = { at = "2026-12-01 10:00" },
  offer = coupon { off = 5, categories = deep },
}
