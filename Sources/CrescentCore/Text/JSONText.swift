/// Appends `s` as a JSON string literal: the one escaping rule every JSON writer here uses.
public func appendJSONQuoted(_ s: String, to out: inout String) {
    out += "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where u.value < 0x20:
            let hex = String(u.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(u)
        }
    }
    out += "\""
}

/// `s` as a JSON string literal.
public func jsonQuoted(_ s: String) -> String {
    var out = ""
    appendJSONQuoted(s, to: &out)
    return out
}
