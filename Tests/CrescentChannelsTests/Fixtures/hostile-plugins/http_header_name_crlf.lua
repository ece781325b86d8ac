-- reason: is not an HTTP token
-- CR/LF in a header name adds a header of the plugin's choosing.
function send(m)
  http.request{ method = "POST", url = config.url, headers = { ["X-A\r\nX-Injected"] = "1" }, body = "{}" }
  return { status = "sent" }
end
