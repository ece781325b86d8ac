-- reason: from must be one e-mail address
function send(m)
  smtp.send{ from = "crm@example.com\r\nRCPT TO:<spy@example.org>", to = "a@example.com", body = "x" }
  return { status = "sent" }
end
