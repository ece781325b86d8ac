/// Splits Lua's `chunk:line: message` into its parts.
///
/// Lua shortens long chunk names to `...tail`, so a prefix that is the tail of a known
/// chunk name is mapped back to the full name.
enum ErrorPosition {
    static func parse(_ raw: String, knownChunks: [String]) -> (file: String, line: Int, message: String)? {
        let bytes = Array(raw.utf8)
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: ":") else { i += 1; continue }
            var j = i + 1
            while j < bytes.count, bytes[j] >= 48, bytes[j] <= 57 { j += 1 }
            if j > i + 1, j < bytes.count, bytes[j] == UInt8(ascii: ":") {
                let prefix = String(decoding: bytes[0..<i], as: UTF8.self)
                let line = Int(String(decoding: bytes[(i + 1)..<j], as: UTF8.self)) ?? 0
                var rest = bytes[(j + 1)...]
                if rest.first == UInt8(ascii: " ") { rest = rest.dropFirst() }
                let tail = prefix.hasPrefix("...") ? String(prefix.dropFirst(3)) : prefix
                let file = knownChunks.first { $0 == prefix || $0.hasSuffix(tail) } ?? prefix
                return (file, line, String(decoding: rest, as: UTF8.self))
            }
            i = j
        }
        return nil
    }
}
