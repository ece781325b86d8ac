-- reason: to must be an e-mail address
-- "\r\n" is one Swift Character: a check on Characters for "\n" misses it.
function send(m)
  smtp.send{ from = "crm@example.com", to = "victim@example.com\r\nRSET", subject = "hi", body = "x" }
  return { status = "sent" }
end
