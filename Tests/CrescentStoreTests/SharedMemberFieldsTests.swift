import Testing
@testable import CrescentStore

/// Members read in bulk share their tags, consent and attributes when the stored text is the same.
@Suite struct SharedMemberFieldsTests {
    @Test func sameTextGivesTheSameValueAndOneSharedCopy() {
        var shared = SharedMemberFields(limit: 2)
        let a = shared.tags("foodie,beauty,student"), b = shared.tags("foodie,beauty,student")
        #expect(a == ["foodie", "beauty", "student"] && b == a)
        #expect(a.withUnsafeBufferPointer(\.baseAddress) == b.withUnsafeBufferPointer(\.baseAddress))
        #expect(shared.consent("email,inapp,push") == ["email", "inapp", "push"])
        #expect(shared.consent("") == [])
        let attributes = #"{"education":"college","interests":"travel,football,cooking"}"#
        #expect(shared.attributes(attributes) == ["education": "college", "interests": "travel,football,cooking"])
        #expect(shared.attributes("{}") == [:])
        // Past the limit, texts are still decoded, only no longer kept.
        _ = shared.tags("a"); let c = shared.tags("x,y"), d = shared.tags("x,y")
        #expect(c == ["x", "y"] && d == c)
        #expect(c.withUnsafeBufferPointer(\.baseAddress) != d.withUnsafeBufferPointer(\.baseAddress))
    }
}
