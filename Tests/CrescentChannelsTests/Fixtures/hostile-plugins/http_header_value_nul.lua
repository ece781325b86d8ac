-- reason: contains a NUL byte
-- A NUL byte truncates the value in C-based code; the Lua bridge refuses it before any transport.
function send(m)
  http.request{ method = "POST", url = config.url, headers = { ["X-Note"] = "ok\0tail" } }
  return { status = "sent" }
end
