import Testing
@testable import CrescentCore

@Suite struct DayTests {
    @Test func roundTripsCivilDates() {
        for index in stride(from: Int32(-800), through: 40_000, by: 37) {
            let d = Day(index: index)
            let c = d.components
            #expect(Day(year: c.year, month: c.month, day: c.day) == d)
            #expect(Day(d.description) == d)
        }
    }

    @Test func parsesBothShapesAndRejectsImpossibleDates() {
        #expect(Day("1997-01-01") == Day(yyyymmdd: 19970101))
        #expect(Day("19970101")?.index == 9862)
        #expect(Day("1997-02-29") == nil)
        #expect(Day("2000-02-29") != nil)
        #expect(Day("1997-13-01") == nil)
        #expect(Day("1997/01/01") == nil)
        #expect(Day("") == nil)
        #expect(Day(year: 1970, month: 1, day: 1).weekday == 3) // a Thursday
    }

    /// Dashes count only as `YYYY-MM-DD` has them; anything else that is not eight digits is refused.
    @Test func refusesMisplacedDashesAndOtherBytes() {
        for bad in ["1997-0101", "199701-01", "19970-1-01", "1997--0101", "1997-01-01-", "-19970101", "1997-01-1",
                    "1997-01-011", "1997-1-01", "199701011", "1997010", "1997 01 01", "1997-01-0１", "１９９７0101",
                    "19970101\n", "+9970101", "1997-01-0a"] {
            #expect(Day(bad) == nil, "\(bad)")
        }
        #expect(Day("0001-01-01") == Day(year: 1, month: 1, day: 1))
        #expect(Day("9999-12-31" as Substring) == Day(year: 9999, month: 12, day: 31))
        #expect(Day("00000101") == nil)   // year 0 is out of range
    }

    @Test func parsesMoneyExactly() {
        #expect(Money(parsing: "29.33")?.minorUnits == 2933)
        #expect(Money(parsing: " 5 ")?.minorUnits == 500)
        #expect(Money(parsing: "0.5")?.minorUnits == 50)
        #expect(Money(parsing: "-1.25")?.minorUnits == -125)
        #expect(Money(parsing: "1.234") == nil)
        #expect(Money(parsing: "abc") == nil)
        #expect(Money(minorUnits: -5).description == "-0.05")
    }

    @Test func parsesTimestamps() {
        #expect(Timestamp("2026-12-01 10:00")?.description == "2026-12-01 10:00:00")
        #expect(Timestamp("2026-12-01T10:00:05Z")?.secondOfDay == 36005)
        #expect(Timestamp("2026-12-01 25:00") == nil)
    }
}
