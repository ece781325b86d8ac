-- reason: 10.1.2.3, a private address
-- A private address the manifest lists as a host but not in allowed_private_addresses.
function send(m)
  http.request{ method = "GET", url = "http://10.1.2.3/admin" }
  return { status = "sent" }
end
