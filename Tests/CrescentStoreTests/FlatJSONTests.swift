import Testing
@testable import CrescentStore

@Suite struct FlatJSONTests {
    @Test func roundTripsEscapesAndRejectsNesting() {
        let value = ["a": "plain", "quote": "say \"hi\"\\n", "line": "1\n2\t3", "中文": "城市", "ctl": "\u{1}"]
        let text = FlatJSON.encode(value)
        #expect(FlatJSON.decode(text) == value)
        #expect(FlatJSON.decode("{}") == [:])
        #expect(FlatJSON.decode(#" { "k" : "\u0041" } "#) == ["k": "A"])
        #expect(FlatJSON.decode(#"{"k": {"x": "y"}}"#) == nil)
        #expect(FlatJSON.decode(#"{"k": "v",}"#) == nil)
        #expect(FlatJSON.decode(#"{"k": "v"} x"#) == nil)
    }
}
