-- reason: to must be an e-mail address
-- One bad address in a list refuses the whole message.
function send(m)
  smtp.send{ from = "crm@example.com", to = { "ok@example.com", "b@example.com>\r\nRCPT TO:<spy@example.org" }, body = "x" }
  return { status = "sent" }
end
