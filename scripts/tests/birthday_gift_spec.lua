-- Spec for birthday_gift.lua: the gift grows with the tier, arrives 3 days before each
-- member's own birthday (10:00 Shanghai time), on the first channel the member consented to.
-- Run: crescent test scripts/tests/birthday_gift_spec.lua

spec {
  script   = "../birthday_gift.lua",
  at       = "2026-03-01 10:00",
  timezone = "Asia/Shanghai",          -- `at` and the days below are Shanghai days
  days     = 370,                      -- a year and a bit: every birthday comes round again
}

member { id = 1, name = "Amy Tan", birthday = "1990-03-05", consent = { "wechat", "sms" } }
member { id = 2, name = "Ben Ho", tier = "gold", birthday = "1985-03-08", consent = { "sms" } }
member { id = 3, name = "Pia Lam", tier = "platinum", birthday = "1970-03-04", consent = { "inapp" } }
member { id = 4, name = "Cal Ng", consent = { "wechat" } }                          -- no birthday on file
member { id = 5, name = "Dee Ko", birthday = "1999-03-20", consent = { "wechat" } }
member { id = 6, name = "Eve Sy", birthday = "1988-03-06" }                         -- no consent at all

-- WHO
expect { member = 1, in_segment = "has_birthday" }
expect { member = 4, not_in_segment = "has_birthday" }
expect { member = 6, not_in_segment = "has_birthday", enters = false }
expect { member = 3, in_segment = "platinum" }

-- WHAT and WHERE: the offer by tier, on the first consented channel.
expect { member = 1, offer = "Birthday 30 off 99", channel = "wechat" }
expect { member = 2, offer = "Birthday 50 off 199", channel = "sms" }
expect { member = 3, offer = "Birthday gift box", channel = "inapp" }

-- The copy: the default text, and the `platinum` segment's own text for a platinum member.
expect { member = 1, message = "Happy birthday, Amy! A Birthday 30 off 99 is in your account, valid 30 days." }
expect { member = 3, message = "Happy birthday, Pia! As a platinum member, a birthday gift box is waiting for you in store." }

-- WHEN, over the simulated days: each member three days before their own birthday.
expect { member = 3, day = 0 }                 -- birthday 4 March
expect { member = 1, day = 1 }                 -- birthday 5 March
expect { member = 2, day = 4 }                 -- birthday 8 March
expect { member = 5, day = 16 }                -- birthday 20 March
expect { member = 1, exits = false }           -- one step, finished, nothing ends it early

-- Once a year (reentry = { after_days = 300 }): the next birthday enters again, a year on.
expect { member = 1, entries = 2 }
expect { member = 6, entries = 0 }
