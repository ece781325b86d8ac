-- reason: subject must be one line
function send(m)
  smtp.send{ from = "crm@example.com", to = "a@example.com", subject = "Hi\r\nBcc: spy@example.org", body = "x" }
  return { status = "sent" }
end
