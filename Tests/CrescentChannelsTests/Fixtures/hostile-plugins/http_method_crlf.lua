-- reason: is not an HTTP method
-- A method that smuggles a second request onto the connection.
function send(m)
  http.request{ method = "POST /send HTTP/1.1\r\nHost: x\r\n\r\nDELETE", url = config.url, body = "{}" }
  return { status = "sent" }
end
