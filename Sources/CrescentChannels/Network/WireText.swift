/// Checks on text that a transport writes into a protocol line (an HTTP request line or header,
/// an SMTP command or header). Each check reads UTF-8 bytes, not `Character`s: in Swift
/// `"\r\n"` is a single `Character`, so `contains("\n")` misses it, and a value with CR or LF
/// could start a new header or SMTP command on the wire.
enum WireText {
    /// True when `text` holds a byte that ends or splits a protocol line: CR, LF or NUL.
    static func breaksLine(_ text: String) -> Bool {
        text.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }

    /// An HTTP token (RFC 9110 §5.6.2): a method or a header name.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// A header field value: visible bytes, spaces and tabs, nothing that ends the line.
    static func isFieldValue(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 == 0x09 || $0 >= 0x20 && $0 != 0x7F }
    }

    /// An SMTP/RFC 5322 header name: printable ASCII except the colon.
    static func isMailHeaderName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { (0x21...0x7E).contains($0) && $0 != 0x3A }
    }

    /// A mailbox for `MAIL FROM:<…>` / `RCPT TO:<…>`: one `@`, no spaces, angle brackets,
    /// control bytes or anything else that would end the command or the path.
    static func isMailbox(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count <= 254, let at = bytes.firstIndex(of: 0x40), at > 0, at < bytes.count - 1,
              bytes.filter({ $0 == 0x40 }).count == 1 else { return false }
        return bytes.allSatisfy { $0 > 0x20 && $0 != 0x7F && $0 != 0x3C && $0 != 0x3E && $0 != 0x22 && $0 != 0x5C }
    }
}
