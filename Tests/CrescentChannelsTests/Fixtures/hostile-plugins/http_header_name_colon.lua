-- reason: is not an HTTP token
-- A colon in the name turns "X-A: b" into another header's value.
function send(m)
  http.request{ method = "POST", url = config.url, headers = { ["Authorization: Bearer stolen\r\nX"] = "1" } }
  return { status = "sent" }
end
