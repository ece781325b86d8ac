-- worn_tyre_call_task.lua — a technician notes a worn tyre → an outbound call lead
--
-- Scene : event scene "technician_note". During a service a technician notes that a
--         tyre is worn. Instead of a coupon blast, the member becomes a lead for the
--         outbound call centre, with the note attached, and a tyre coupon the agent
--         can offer.
-- WHAT  : call_task { queue = "outbound", note = … } (plus the agent's talking point)
-- WHY   : upsell — a tyre sale the customer actually needs, and a safety reason to call
-- WHO   : car owners who can be phoned (consent sms as the phone-contact proxy) —
--         the trigger itself picks the member the technician wrote about
-- WHEN  : trigger = "technician_note", within 3 days of the note
-- WHERE : calltask channel (the outbound call-centre task list)
-- HOW   : high-value members go to the front of the queue (priority)
-- HOW MUCH: budget 10,000 yuan (cost per call 4 yuan); expect ROI >= 2
--
-- Check it : crescent check scripts/worn_tyre_call_task.lua
-- Dry-run  : on a synthetic population (tyre / car_service are categories there).

segment "callable_car_owners" {
  description = "Car owners we may phone",
  consent     = "sms",
  where = function(m) return m.tags.car_owner == true or m.bought.tyre ~= nil or m.bought.car_service ~= nil end,
}

playbook "worn_tyre_outbound_call" {
  description   = "Technician noted a worn tyre: outbound call with a tyre offer",
  goal          = "upsell",
  business_line = "auto.tyre_leads",
  audience      = "callable_car_owners",
  when          = { trigger = "technician_note", within_days = 3 },
  channels      = "calltask",
  budget        = { total = 10000 },
  offer = function(m)
    local note = "Technician noted a worn tyre. Offer a tyre check and 100 off a pair of tyres over 800."
    if m.rfm.m >= 4 or m.tier == "gold" or m.tier == "platinum" then
      return call_task { name = "Worn tyre (priority)", queue = "outbound", note = note, priority = 1, cost = 4 }
    end
    return call_task { name = "Worn tyre", queue = "outbound", note = note, priority = 5, cost = 4 }
  end,
  message = "Call {{name}} ({{tier}} member, {{orders}} orders): worn tyre noted at the last service.",
  expect  = { roi = ">= 2" },
}
