// Shared by every store: attributes are stored as the same flat JSON text on SQLite and PostgreSQL.
import CrescentCore

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
            appendJSONQuoted(key, to: &out); out += ":"; appendJSONQuoted(object[key]!, to: &out)
        }
        return out + "}"
    }
}
