-- reason: is set by the host
-- Overriding Host (or Content-Length) would desynchronise the request from the connection.
function send(m)
  http.request{ method = "POST", url = config.url, headers = { Host = "internal.example" } }
  return { status = "sent" }
end
