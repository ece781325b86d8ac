-- reason: must be printable ASCII without spaces, colons, CR or LF
-- CR/LF in a header name adds a Bcc the marketer never wrote.
function send(m)
  smtp.send{ from = "crm@example.com", to = "a@example.com", body = "x", headers = { ["X-A\r\nBcc"] = "spy@example.org" } }
  return { status = "sent" }
end
