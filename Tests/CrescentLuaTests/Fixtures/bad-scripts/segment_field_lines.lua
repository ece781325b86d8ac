-- expect: validation
-- problem at 10: segment "lapsed": field `lifecycle`: unknown stage "silnt", did you mean "silent"?
-- problem at 12: segment "lapsed": unknown field `recency_dyas`, did you mean `recency_days`?
-- problem at 15: segment "both": field `union`: unknown segment "lapsd", did you mean "lapsed"?
-- problem at 21: playbook "p": field `audience`: unknown segment "bth", did you mean "both"?
-- Segment fields, set operations and a playbook's audience, each on its own line.
segment "lapsed" {
  description = "Lapsed buyers",
  -- A comment with a { brace } and a "quote" must not confuse the source map.
  lifecycle = { "declining",
                "silnt" },
  recency_dyas = ">= 30",
}
segment "both" {
  union = { "lapsed", "lapsd" },
}
playbook "p" {
  goal = "retain",
  when = { at = "2026-12-01 10:00" },
  channels = "sms",
  audience = "bth",
}
