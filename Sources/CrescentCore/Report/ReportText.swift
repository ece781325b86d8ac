/// Escaping and number formatting for reports, written out by hand so the output
/// is identical on every platform and locale (no `NumberFormatter`, no `String(format:)`).
///
/// For example:
/// ```swift
/// ReportText.escape("<b>VIP</b>")      // "&lt;b&gt;VIP&lt;/b&gt;"
/// ReportText.fixed(1234567.891, 2)     // "1,234,567.89"
/// ReportText.percent(0.1234)           // "12.3%"
/// ```
public enum ReportText {
    /// Escapes text for HTML element content and quoted attribute values (also SVG).
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// `value` rounded half away from zero to `places` decimals, with thousands separators.
    public static func fixed(_ value: Double, _ places: Int, grouping: Bool = true) -> String {
        guard value.isFinite else { return value.isNaN ? "–" : (value > 0 ? "∞" : "−∞") }
        var scale: Double = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e18 else { return value > 0 ? "∞" : "−∞" }
        let units = UInt64(scaled)
        let whole = units / UInt64(scale), fraction = units % UInt64(scale)
        var text = grouping ? group(whole) : String(whole)
        if places > 0 {
            let f = String(fraction)
            text += "." + String(repeating: "0", count: places - f.count) + f
        }
        return units == 0 || value > 0 ? text : "−" + text
    }

    /// An integer with thousands separators: `12,345`.
    public static func integer(_ value: Int) -> String {
        value < 0 ? "−" + group(UInt64(value.magnitude)) : group(UInt64(value))
    }

    /// A fraction as a percentage: 0.1234 → `12.3%`.
    public static func percent(_ fraction: Double, places: Int = 1) -> String {
        fixed(fraction * 100, places) + "%"
    }

    /// An amount in major units with its currency sign: `¥1,234.50`, `$12.00`, `CHF 3.10`.
    public static func money(_ amount: Double, currency: String, places: Int = 2) -> String {
        let sign = amount < 0 && fixed(amount, places) != fixed(0, places) ? "−" : ""
        return sign + symbol(currency) + fixed(abs(amount), places)
    }

    /// A compact amount for chart labels: `1.2k`, `3.4M`.
    public static func compact(_ value: Double) -> String {
        let a = abs(value)
        let sign = value < 0 ? "−" : ""
        if a >= 1e6 { return sign + fixed(a / 1e6, a >= 1e8 ? 0 : 1) + "M" }
        if a >= 1e4 { return sign + fixed(a / 1e3, a >= 1e5 ? 0 : 1) + "k" }
        return sign + fixed(a, a >= 100 || a == a.rounded() ? 0 : 1)
    }

    static func symbol(_ currency: String) -> String {
        switch currency.uppercased() {
        case "CNY", "RMB", "JPY": return "¥"
        case "USD": return "$"
        case "EUR": return "€"
        case "GBP": return "£"
        default: return currency + " "
        }
    }

    private static func group(_ value: UInt64) -> String {
        let digits = Array(String(value))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    /// A coordinate for SVG: one decimal, no grouping, no "-0.0".
    static func coordinate(_ value: Double) -> String {
        let s = fixed(value, 1, grouping: false)
        return s.hasPrefix("−") ? "-" + s.dropFirst() : s
    }
}
