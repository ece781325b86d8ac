extension FlatJSON {
    /// Parses a flat object of string values; nil if it is anything else.
    ///
    /// Works on UTF-8 bytes: structure is ASCII, and unescaped runs are copied as they are.
    public static func decode(_ text: String) -> [String: String]? {
        var copy = text
        return copy.withUTF8 { decode(bytes: $0) }
    }

    static func decode(bytes b: UnsafeBufferPointer<UInt8>) -> [String: String]? {
        var i = 0
        let n = b.count
        func skipSpace() { while i < n, b[i] == 32 || b[i] == 10 || b[i] == 9 || b[i] == 13 { i += 1 } }
        func string() -> String? {
            guard i < n, b[i] == 34 else { return nil }
            i += 1
            let start = i
            while i < n, b[i] != 34, b[i] != 92 { i += 1 }
            guard i < n else { return nil }
            if b[i] == 34 {   // no escapes: the common case
                defer { i += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
            }
            var out = Array(b[start..<i])
            while i < n {
                let c = b[i]; i += 1
                if c == 34 { return String(decoding: out, as: UTF8.self) }
                if c != 92 { out.append(c); continue }
                guard i < n else { return nil }
                let e = b[i]; i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "u"):
                    guard i + 4 <= n, let v = UInt32(String(decoding: UnsafeBufferPointer(rebasing: b[i..<i + 4]), as: UTF8.self), radix: 16),
                          let u = Unicode.Scalar(v) else { return nil }
                    i += 4
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: out.append(e)
                }
            }
            return nil
        }
        var result: [String: String] = [:]
        skipSpace()
        guard i < n, b[i] == UInt8(ascii: "{") else { return nil }
        i += 1; skipSpace()
        if i < n, b[i] == UInt8(ascii: "}") { i += 1; skipSpace(); return i == n ? result : nil }
        while true {
            skipSpace()
            guard let k = string() else { return nil }
            skipSpace()
            guard i < n, b[i] == UInt8(ascii: ":") else { return nil }
            i += 1; skipSpace()
            guard let v = string() else { return nil }
            result[k] = v
            skipSpace()
            guard i < n else { return nil }
            let c = b[i]; i += 1
            if c == UInt8(ascii: "}") { break }
            guard c == UInt8(ascii: ",") else { return nil }
        }
        skipSpace()
        return i == n ? result : nil
    }
}
