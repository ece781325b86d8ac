/// Encodes and decodes flat JSON objects of strings (`{"income":"10k-20k"}`), the shape of
/// member and event attributes. Hand-written because Foundation's JSON costs ~10 µs a row,
/// which is ten seconds on a million members.
public enum FlatJSON {
    /// Keys sorted, so the same attributes always give the same bytes.
    public static func encode(_ object: [String: String]) -> String {
        if object.isEmpty { return "{}" }
        var out = "{"
        for (n, key) in object.keys.sorted().enumerated() {
            if n > 0 { out += "," }
            appendQuoted(key, to: &out); out += ":"; appendQuoted(object[key]!, to: &out)
        }
        return out + "}"
    }

    static func appendQuoted(_ s: String, to out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else { out.unicodeScalars.append(u) }
            }
        }
        out += "\""
    }

    /// Parses a flat object of string values; nil if it is anything else.
    public static func decode(_ text: String) -> [String: String]? {
        var scalars = Array(text.unicodeScalars)[...]
        func skipSpace() { while let c = scalars.first, c == " " || c == "\n" || c == "\t" || c == "\r" { scalars.removeFirst() } }
        func string() -> String? {
            guard scalars.first == "\"" else { return nil }
            scalars.removeFirst()
            var s = String.UnicodeScalarView()
            while let c = scalars.popFirst() {
                if c == "\"" { return String(s) }
                if c != "\\" { s.append(c); continue }
                guard let e = scalars.popFirst() else { return nil }
                switch e {
                case "n": s.append("\n"); case "r": s.append("\r"); case "t": s.append("\t")
                case "b": s.append("\u{8}"); case "f": s.append("\u{C}")
                case "u":
                    guard scalars.count >= 4, let v = UInt32(String(String.UnicodeScalarView(scalars.prefix(4))), radix: 16),
                          let u = Unicode.Scalar(v) else { return nil }
                    scalars.removeFirst(4); s.append(u)
                default: s.append(e)
                }
            }
            return nil
        }
        var result: [String: String] = [:]
        skipSpace()
        guard scalars.popFirst() == "{" else { return nil }
        skipSpace()
        if scalars.first == "}" { scalars.removeFirst(); skipSpace(); return scalars.isEmpty ? result : nil }
        while true {
            skipSpace()
            guard let k = string() else { return nil }
            skipSpace()
            guard scalars.popFirst() == ":" else { return nil }
            skipSpace()
            guard let v = string() else { return nil }
            result[k] = v
            skipSpace()
            let c = scalars.popFirst()
            if c == "}" { break }
            guard c == "," else { return nil }
        }
        skipSpace()
        return scalars.isEmpty ? result : nil
    }
}
