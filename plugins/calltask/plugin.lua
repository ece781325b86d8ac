-- Call tasks: one task per message; the call centre works the queue.
function send(message)
  local id = tasks.create{
    member = message.member_id,
    phone = message.recipient.phone,
    queue = config.queue,
    script = message.body,
    reason = message.variables.reason,
    playbook = message.playbook,
    idempotency_key = message.idempotency_key,
  }
  return { status = "sent", provider_id = id }
end
