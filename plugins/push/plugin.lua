-- Push: one notification per device token.
function send(message)
  local device = message.recipient.device
  if not device then error("push needs recipient.device") end
  local res = http.request{
    method = "POST",
    url = config.push_url,
    headers = { ["Content-Type"] = "application/json", ["X-Server-Key"] = config.server_key },
    body = json.encode{ token = device, title = message.subject or "", body = message.body,
                        data = { member = message.member_id, playbook = message.playbook } },
  }
  if res.status >= 300 then error("push provider answered " .. res.status) end
  return { status = "sent", provider_id = json.decode(res.body).id }
end
