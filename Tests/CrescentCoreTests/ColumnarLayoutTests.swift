import Testing
@testable import CrescentCore

/// `ColumnarPopulation(validating:)`: columns read back from a file become a population only
/// when nothing built on them can index out of range; otherwise the first bad column is named.
@Suite struct ColumnarLayoutTests {
    let asOf = Day("2026-01-01")!

    func sample() throws -> ColumnarPopulation {
        try ColumnarPopulation(SyntheticPopulation.generate(members: 300, seed: 4, asOf: asOf))
    }

    @Test func theColumnsOfAPopulationRebuildIt() throws {
        let c = try sample()
        #expect(try ColumnarPopulation(validating: c.columns) == c)
        #expect(try ColumnarPopulation(validating: ColumnarPopulation().columns) == ColumnarPopulation())
    }

    enum Breakage: CaseIterable {
        case shortColumn, idsOutOfOrder, tagOffsetBack, tagOffsetMissing, orderOffsetPastEnd, shortOrderColumn
        case genderCodePastTable, cityCodeBelowAbsent, tierAbsent, tagCodePastTable, consentBitPastChannels, repeatedCity

        var column: String {
            switch self {
            case .shortColumn: "joinDay"
            case .idsOutOfOrder: "memberId"
            case .tagOffsetBack, .tagOffsetMissing: "tagStart"
            case .orderOffsetPastEnd: "orderStart"
            case .shortOrderColumn: "orderAmount"
            case .genderCodePastTable: "gender"
            case .cityCodeBelowAbsent: "city"
            case .tierAbsent: "tier"
            case .tagCodePastTable: "tagCodes"
            case .consentBitPastChannels: "consent"
            case .repeatedCity: "cities"
            }
        }

        func apply(_ c: inout ColumnarPopulation.Columns) {
            switch self {
            case .shortColumn: c.joinDay.removeLast()
            case .idsOutOfOrder: c.memberId.swapAt(3, 4)
            case .tagOffsetBack: c.tagStart[5] = c.tagStart[6] + 1
            case .tagOffsetMissing: c.tagStart.removeLast()
            case .orderOffsetPastEnd: c.orderStart[c.orderStart.count - 1] += 1
            case .shortOrderColumn: c.orderAmount.removeLast()
            case .genderCodePastTable: c.gender[0] = Int32(c.genders.count)
            case .cityCodeBelowAbsent: c.city[1] = -2
            case .tierAbsent: c.tier[2] = ColumnarPopulation.noCode
            case .tagCodePastTable: c.tagCodes[0] = 999
            case .consentBitPastChannels: c.consent[7] |= 1 << 63
            case .repeatedCity: c.cities.append(c.cities[0])
            }
        }
    }

    @Test(arguments: Breakage.allCases)
    func aBrokenColumnIsNamed(breakage: Breakage) throws {
        var columns = try sample().columns
        breakage.apply(&columns)
        #expect { try ColumnarPopulation(validating: columns) } throws: { error in
            (error as? ColumnarLayoutError)?.column == breakage.column
        }
    }
}
