-- reason: contains a NUL byte
-- A NUL byte ends the address for C-based servers; the Lua bridge refuses it before any transport.
function send(m)
  smtp.send{ from = "crm@example.com", to = "a@example.com\0spy@example.org", body = "x" }
  return { status = "sent" }
end
