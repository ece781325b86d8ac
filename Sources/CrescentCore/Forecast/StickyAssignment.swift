/// Sticky, seeded assignment of members to holdouts and variants: a pure function of the
/// member id and a salt (the playbook's name, or the programme's control group), so the
/// same members are held out on every run, on every machine, with no stored draw.
///
/// Swift's `Hasher` is seeded per process, so this uses FNV-1a over the salt and
/// SplitMix64 over the id instead. Holdout and variant use different salts, so who is held
/// out says nothing about which variant the others get.
///
/// For example:
/// ```swift
/// StickyAssignment.isHeldOut(memberId: 42, playbook: "winback", share: 0.1)        // same answer every run
/// StickyAssignment.variant(memberId: 42, playbook: "winback", weights: [0.5, 0.5])  // 0 or 1, sticky
/// ```
public enum StickyAssignment {
    /// A number in [0, 1), uniform over member ids, fixed for (member, salt).
    public static func unit(memberId: Int64, salt: String) -> Double {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in salt.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        var state = h ^ UInt64(bitPattern: memberId)
        let mixed = SeededGenerator.splitMix64(&state)
        return Double(mixed >> 11) / Double(1 << 53)
    }

    /// True for a sticky `share` of members of `playbook` (0 holds out no one, 1 everyone).
    public static func isHeldOut(memberId: Int64, playbook: String, share: Double) -> Bool {
        unit(memberId: memberId, salt: "holdout:" + playbook) < share
    }

    /// True for a sticky `share` of the programme's members, the same for every playbook.
    public static func isInControlGroup(memberId: Int64, share: Double) -> Bool {
        unit(memberId: memberId, salt: "control_group") < share
    }

    /// The index of the member's variant, with chances proportional to `weights`
    /// (non-negative, not all zero); nil for no usable weights. `step` (0-based) salts a
    /// step's own split, so it is independent of the playbook's and of other steps'.
    public static func variant(memberId: Int64, playbook: String, step: Int? = nil, weights: [Double]) -> Int? {
        let total = weights.reduce(0) { $0 + max(0, $1) }
        guard total > 0 else { return nil }
        let salt = "variant:" + playbook + (step.map { "/step:\($0 + 1)" } ?? "")
        let u = unit(memberId: memberId, salt: salt) * total
        var cumulative = 0.0
        for (k, w) in weights.enumerated() where w > 0 {
            cumulative += w
            if u < cumulative { return k }
        }
        return weights.lastIndex { $0 > 0 }
    }
}
