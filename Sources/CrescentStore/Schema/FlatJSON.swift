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
}
