-- A misspelt claim (`in_segmnt`, line 8): the spec cannot run, exit 2, with a did-you-mean.
spec {
  script = "../../../../../scripts/winback_silent.lua",
  at     = "1998-07-01 10:00",
}
member { id = 1, consent = { "sms" }, orders = { { at = "1998-01-01", amount = 10 } } }

expect { member = 1, in_segmnt = "silent_high_value" }
