-- reason: 127.0.0.2, a loopback address
-- Only 127.0.0.1 is allowed; the rest of 127.0.0.0/8 is not.
function send(m)
  http.request{ method = "GET", url = "http://127.0.0.2:9/" }
  return { status = "sent" }
end
