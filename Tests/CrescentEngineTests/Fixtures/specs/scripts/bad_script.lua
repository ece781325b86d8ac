segment "anyone" { }

playbook "broken" {
  audience = "anyone"
  channels = { "sms" },
}
