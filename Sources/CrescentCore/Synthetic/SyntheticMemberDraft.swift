/// A synthetic member's attributes before their orders are known (tier, points and tags
/// depend on what they buy).
struct SyntheticMemberDraft {
    var member: Member
    var cityIndex: Int
    var preferred: [Int]        // category indices
    var priceFactor: Double     // per-member spend level, lognormal

    static func draw(id: Int64, asOf: Day, rng: inout SeededGenerator) -> SyntheticMemberDraft {
        typealias C = SyntheticCatalogue
        let g = rng.nextUnitDouble()
        let gender: String? = g < 0.55 ? "F" : g < 0.98 ? "M" : nil
        let surname = rng.pick(C.surnames)
        let given = rng.pick(gender == "M" ? C.maleGiven : C.femaleGiven)
        let age = min(max(Int(rng.nextNormal(mean: 34, sd: 11)), 18), 80)
        let birthday: Day? = rng.chance(0.95)
            ? asOf.adding(days: -(age * 365 + rng.nextInt(below: 365))) : nil
        let phone: String? = rng.chance(0.9)
            ? rng.pick(C.phonePrefixes) + digits(8, &rng) : nil
        let email: String? = rng.chance(0.6)
            ? "\(given.lowercased()).\(surname.lowercased())\(id)@example.com" : nil
        let cityIndex = rng.pickIndex(weights: C.cityWeights)
        let city = C.cities[cityIndex]
        let joinDate = asOf.adding(days: -1 - rng.nextInt(below: 3 * 365))
        var consent = Set<ChannelCode>()
        for (channel, rate) in C.consentRates where rng.chance(rate) {
            if channel == "sms" && phone == nil { continue }
            if channel == "email" && email == nil { continue }
            consent.insert(channel)
        }
        var interests: [String] = []
        for _ in 0..<(1 + rng.nextInt(below: 3)) {
            let x = rng.pick(C.interests)
            if !interests.contains(x) { interests.append(x) }
        }
        let attributes = [
            "education": C.educations[rng.pickIndex(weights: C.educationWeights)],
            "occupation": rng.pick(C.occupations),
            "income": C.incomes[rng.pickIndex(weights: C.incomeWeights)],
            "interests": interests.joined(separator: ","),
        ]
        var preferred: [Int] = []
        for _ in 0..<(1 + rng.nextInt(below: 3)) {
            let c = rng.pickIndex(weights: C.categoryWeights)
            if !preferred.contains(c) { preferred.append(c) }
        }
        let member = Member(id: id, name: "\(surname) \(given)", gender: gender, birthday: birthday,
                            phone: phone, email: email, city: city.name, joinDate: joinDate,
                            consent: consent, attributes: attributes,
                            utcOffsetMinutes: city.utcOffsetMinutes)
        return SyntheticMemberDraft(member: member, cityIndex: cityIndex, preferred: preferred,
                                    priceFactor: rng.nextLogNormal(mu: 0, sigma: 0.45))
    }

    /// Tier, points and tags from the purchase history; returns the finished member.
    func finish(lastYearSpend: Int64, parameters: SyntheticPopulation.Parameters,
                rng: inout SeededGenerator) -> Member {
        var m = member
        let t = parameters.tierThresholds
        m.tier = lastYearSpend >= t.platinum ? "platinum" : lastYearSpend >= t.gold ? "gold"
            : lastYearSpend >= t.silver ? "silver" : "basic"
        // One point per yuan spent in the last year, part of it already redeemed.
        m.pointsBalance = Int64(Double(lastYearSpend / 100) * (0.3 + 0.7 * rng.nextUnitDouble()))
        var tags: [String] = []
        for c in preferred {
            let tag = SyntheticCatalogue.categories[c].tag
            if !tags.contains(tag) { tags.append(tag) }
        }
        if rng.chance(0.15) { tags.append(rng.pick(SyntheticCatalogue.extraTags)) }
        m.tags = tags
        return m
    }

    private static func digits(_ n: Int, _ rng: inout SeededGenerator) -> String {
        var s = ""
        for _ in 0..<n { s.append(Character(Unicode.Scalar(UInt8(48 + rng.nextInt(below: 10))))) }
        return s
    }
}
