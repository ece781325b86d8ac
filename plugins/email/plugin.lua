-- E-mail: fills {{name}}-style placeholders from message.variables, then speaks SMTP.
local function fill(template, vars)
  return (template:gsub("{{%s*([%w_]+)%s*}}", function(k) return vars[k] or "" end))
end

function send(message)
  local to = message.recipient.email
  if not to then error("email needs recipient.email") end
  local vars = message.variables or {}
  local res = smtp.send{
    from = config.from,
    to = to,
    subject = fill(message.subject or "", vars),
    body = fill(message.body, vars),
    headers = { ["X-Crescent-Playbook"] = message.playbook or "" },
  }
  return { status = "sent", provider_id = res.reply }
end
