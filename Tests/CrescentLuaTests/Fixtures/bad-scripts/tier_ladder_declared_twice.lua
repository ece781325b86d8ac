-- expect: validation
-- problem at 8: tier_ladder "club_2024": a script declares one tier_ladder; "club" is already declared on line 6
-- problem at 8: tier_ladder "club_2024": missing field `tiers`
-- problem at 8: unknown field `tier`, did you mean `tiers`?
-- A second ladder is a mistake, not an override; it is still checked, so its own problems show too.
tier_ladder "club" { tiers = { { name = "basic", entry = { registration = true } } } }

tier_ladder "club_2024" { tier = {} }
