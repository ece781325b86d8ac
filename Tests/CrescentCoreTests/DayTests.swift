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
