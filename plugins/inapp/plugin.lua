-- In-app: put the message in the member's inbox.
function send(message)
  local id = inbox.put{
    member = message.recipient.member or message.member_id,
    title = message.subject or "",
    body = message.body,
    playbook = message.playbook,
    idempotency_key = message.idempotency_key,
  }
  return { status = "sent", provider_id = id }
end
