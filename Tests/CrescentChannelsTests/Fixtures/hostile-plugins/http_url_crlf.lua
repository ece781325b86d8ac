-- reason: url must be an http(s) URL
-- CR/LF in the URL would end the request line early.
function send(m)
  http.request{ method = "GET", url = config.url .. "\r\nX-Injected: 1" }
  return { status = "sent" }
end
