-- expect: validation
-- problem at 12: tier "silver": unknown field `validty_days`, did you mean `validity_days`?
-- problem at 13: tier "gold" entry: field `single_order` must be a number, got a string
-- problem at 10: field `tiers`: tier "gold" is declared twice
-- problem at 9: tiers out of order: "platinum" entry `spend` 1000.00 is not above "gold"'s 5000.00
-- problem at 13: unknown benefit "free_shiping", did you mean "free_shipping"?
-- problem at 15: tier #5: missing field `name`
-- One ladder, six mistakes: all of them are reported, each naming the tier and field.
tier_ladder "club" {
  tiers = {
    { name = "basic", entry = { registration = true } },
    { name = "silver", entry = { single_order = 500 }, validty_days = 365 },
    { name = "gold", entry = { single_order = "1000", spend = 5000 }, benefits = { "free_shiping" } },
    { name = "platinum", entry = { spend = 1000 } },
    { entry = { spend = 50000 } },
    { name = "gold", entry = { spend = 90000 } },
  },
}
