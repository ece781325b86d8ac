-- Webhook: the partner checks X-Crescent-Signature = sha256=<hex HMAC-SHA256 of the body>.
function send(message)
  local body = json.encode{
    event = "crescent.message", idempotency_key = message.idempotency_key,
    member_id = message.member_id, playbook = message.playbook, run_id = message.run_id,
    subject = message.subject, body = message.body, variables = message.variables,
  }
  local res = http.request{
    method = "POST",
    url = message.recipient.url or config.endpoint_url,
    headers = {
      ["Content-Type"] = "application/json",
      ["X-Crescent-Signature"] = "sha256=" .. crypto.hmac_sha256(config.signing_secret, body),
    },
    body = body,
  }
  if res.status >= 300 then error("webhook answered " .. res.status) end
  return { status = "sent", provider_id = res.headers["x-request-id"] or message.idempotency_key }
end
