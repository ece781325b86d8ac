-- reason: is not an HTTP method
-- A space in the method rewrites the request line.
function send(m)
  http.request{ method = "GET /admin", url = config.url }
  return { status = "sent" }
end
