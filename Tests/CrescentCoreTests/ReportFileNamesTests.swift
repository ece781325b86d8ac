import CrescentCore
import Testing

@Suite struct ReportFileNamesTests {
    @Test(arguments: [
        ("winback", "winback"), ("../escaped", "_escaped"), ("a/b", "a_b"), ("..", "playbook"),
        ("/etc/passwd", "_etc_passwd"), ("a\\b", "a_b"), ("双十一 VIP", "双十一_VIP"), (".hidden", "hidden"),
        ("line\r\nbreak", "line_break"), ("/\u{301}x", "_x"), ("", "playbook"), ("a\0b", "a_b"),
    ])
    func namesBecomeSafeReadableStems(name: String, stem: String) {
        var names = ReportFileNames()
        #expect(names.stem(for: name) == stem)
    }

    @Test func stemsAreUniqueAndShort() {
        var names = ReportFileNames()
        #expect(names.stem(for: "a/b") == "a_b")
        #expect(names.stem(for: "a:b") == "a_b-2")
        #expect(names.stem(for: "A_B") == "A_B-3")   // case-insensitive file systems
        #expect(names.stem(for: String(repeating: "x", count: 500)).count == ReportFileNames.maxLength)
    }
}
