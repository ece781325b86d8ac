-- reason: 127.0.0.2, a loopback address
-- 2130706434 is 127.0.0.2 written as one number: the check is on the resolved address.
function send(m)
  http.request{ method = "GET", url = "http://2130706434:9/" }
  return { status = "sent" }
end
