import Foundation
import Testing
@testable import CrescentCore

/// The checked constructors every conversion from untrusted numbers goes through.
@Suite struct CheckedNumbersTests {
    @Test func moneyFromMajorUnitsRefusesOverflowAndNonFiniteValues() {
        #expect(Money(checkedMajor: Int64(12))?.minorUnits == 1_200)
        #expect(Money(checkedMajor: Int64.max) == nil)
        #expect(Money(checkedMajor: Int64.min) == nil)
        #expect(Money(checkedMajor: 29.33)?.minorUnits == 2_933)
        #expect(Money(checkedMajor: -0.004)?.minorUnits == 0)
        #expect(Money(checkedMajor: Double.nan) == nil)
        #expect(Money(checkedMajor: Double.infinity) == nil)
        #expect(Money(checkedMajor: -Double.infinity) == nil)
        #expect(Money(checkedMajor: 1e300) == nil)
        #expect(Money(checkedMajor: 1e15)?.minorUnits == Money.maxMinorUnits)
        #expect(Money(checkedMajor: 1.0000001e15) == nil)
        #expect(Money(checkedMinorUnits: Money.maxMinorUnits + 1) == nil)
        #expect(Money(checkedMinorUnits: -5)?.minorUnits == -5)
    }

    @Test func moneyArithmeticReportsOverflowInsteadOfTrapping() {
        let big = Money(minorUnits: .max - 1)
        #expect(big.checkedAdding(Money(minorUnits: 1)) == Money(minorUnits: .max))
        #expect(big.checkedAdding(Money(minorUnits: 2)) == nil)
        #expect(Money(minorUnits: .min).checkedSubtracting(Money(minorUnits: 1)) == nil)
        #expect(Money(minorUnits: 500).checkedSubtracting(Money(minorUnits: 700)) == Money(minorUnits: -200))
        #expect(Money(minorUnits: 250).checkedMultiplied(by: 4) == Money(minorUnits: 1_000))
        #expect(Money(minorUnits: 2).checkedMultiplied(by: .max) == nil)
    }

    @Test func timestampsOutsideTheCalendarAreRefused() {
        #expect(Timestamp(checkedSeconds: Int64.max) == nil)
        #expect(Timestamp(checkedSeconds: Int64.min) == nil)
        #expect(Timestamp(checkedSeconds: Int64(0))?.description == "1970-01-01 00:00:00")
        let last = Timestamp(checkedSeconds: Timestamp.validSeconds.upperBound)
        #expect(last?.description == "9999-12-31 23:59:59")
        #expect(Timestamp(checkedSeconds: Timestamp.validSeconds.lowerBound)?.description == "0001-01-01 00:00:00")
        #expect(Timestamp(checkedSeconds: Timestamp.validSeconds.upperBound + 1) == nil)
        #expect(Timestamp(checkedSeconds: Double.nan) == nil)
        #expect(Timestamp(checkedSeconds: 1.5) == nil)
        #expect(Timestamp(checkedSeconds: 1e300) == nil)
        #expect(Timestamp(checkedSeconds: 86_400.0)?.day == Day(year: 1970, month: 1, day: 2))
        #expect(last?.checkedAdding(seconds: 1) == nil)
        #expect(Timestamp(seconds: 10).checkedAdding(seconds: .max) == nil)
        #expect(Timestamp(seconds: 10).checkedAdding(seconds: 5)?.seconds == 15)
    }

    @Test func anUncheckedTimestampStillHasADayInsteadOfTrapping() {
        // Defence in depth: a value that slipped past the checks clamps rather than crash.
        #expect(Timestamp(seconds: .max).day.index == .max)
        #expect(Timestamp(seconds: .min).day.index == .min)
        #expect(Timestamp(seconds: -1).day == Day(year: 1969, month: 12, day: 31))
        #expect(Timestamp(seconds: -86_400).day == Day(year: 1969, month: 12, day: 31))
        #expect(Timestamp(seconds: -86_401).day == Day(year: 1969, month: 12, day: 30))
    }

    @Test func decodingATimeOutsideTheCalendarFails() throws {
        let bad = Data(#"{"t": 9223372036854775807}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([String: Timestamp].self, from: bad) }
        let good = try JSONDecoder().decode([String: Timestamp].self, from: Data(#"{"t": 60}"#.utf8))
        #expect(good["t"]?.seconds == 60)
    }

    @Test func dayArithmeticStaysInTheCalendar() {
        #expect(Day.validIndices.lowerBound == Day(year: 1, month: 1, day: 1).index)
        #expect(Day.validIndices.upperBound == Day(year: 9999, month: 12, day: 31).index)
        let d = Day(year: 2026, month: 1, day: 1)
        #expect(d.checkedAdding(days: 31) == Day(year: 2026, month: 2, day: 1))
        #expect(d.checkedAdding(days: 1_000_000_000_000) == nil)
        #expect(d.checkedAdding(days: .max) == nil)
        #expect(d.checkedAdding(days: .min) == nil)
        #expect(Day(checkedIndex: Int(Day.validIndices.upperBound) + 1) == nil)
        #expect(Day(checkedIndex: 0) == Day(year: 1970, month: 1, day: 1))
    }
}
