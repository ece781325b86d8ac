-- reason: 0.0.0.0, an unspecified address
-- 0.0.0.0 reaches the local host on Linux.
function send(m)
  http.request{ method = "GET", url = "http://0.0.0.0:9/" }
  return { status = "sent" }
end
