-- reason: holds CR, LF or another control byte
-- A bare LF: many servers end a header line on it.
function send(m)
  http.request{ method = "POST", url = config.url, headers = { ["X-Note"] = "ok\nX-Injected: 1" } }
  return { status = "sent" }
end
