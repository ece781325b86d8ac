-- reason: holds CR, LF or another control byte
-- CR/LF in a value, written as one Swift Character "\r\n".
function send(m)
  http.request{ method = "POST", url = config.url, headers = { ["X-Note"] = "ok\r\nX-Injected: 1" }, body = "{}" }
  return { status = "sent" }
end
