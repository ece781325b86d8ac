-- SMS: POST the text to the gateway's JSON API; the gateway's message id is the provider id.
function send(message)
  local phone = message.recipient.phone
  if not phone then error("sms needs recipient.phone") end
  local res = http.request{
    method = "POST",
    url = config.gateway_url,
    headers = {
      ["Content-Type"] = "application/json",
      ["Authorization"] = "Bearer " .. config.api_key,
      ["Idempotency-Key"] = message.idempotency_key,
    },
    body = json.encode{ to = phone, from = config.sender_id, text = message.body },
  }
  if res.status >= 300 then
    error("sms gateway answered " .. res.status .. ": " .. res.body)
  end
  local reply = json.decode(res.body)
  return { status = "sent", provider_id = reply.id }
end
