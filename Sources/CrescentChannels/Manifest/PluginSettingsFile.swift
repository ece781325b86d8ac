import CrescentLua
import Foundation

/// Plugin settings from a TOML file: one table per plugin name, its keys the plugin's
/// `config.<key>` values. The environment (`CRESCENT_<PLUGIN>__<KEY>`) fills what the file
/// leaves out, so secrets need not be written down.
///
/// For example:
/// ```toml
/// [sms]
/// gateway_url = "https://sms.example.com/v1/messages"
/// sender_id = "SHOP"
///
/// [email]
/// smtp_url = "smtp://mail.internal:25"
/// ```
public enum PluginSettingsFile {
    /// Plugin name → key → value as text (numbers and booleans written as TOML become text,
    /// then are checked against the manifest's type when the plugin starts).
    /// - throws: `PluginLoadError` naming the file and the problem.
    public static func load(path: String) throws(PluginLoadError) -> [String: [String: String]] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw PluginLoadError(problems: ["\(path): cannot be read (missing or not UTF-8)"])
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws(PluginLoadError) -> [String: [String: String]] {
        let doc: [String: LuaValue]
        do { doc = try TOMLConversion.parse(text) }
        catch { throw PluginLoadError(problems: ["\(path): \(error.key): \(error.message)"]) }
        var out: [String: [String: String]] = [:]
        var problems: [String] = []
        for (plugin, value) in doc.sorted(by: { $0.key < $1.key }) {
            guard let table = value.tableValue else {
                problems.append("\(path): \(plugin): must be a table of settings, e.g. [\(plugin)]"); continue
            }
            for (key, v) in table {
                switch v {
                case .string(let s): out[plugin, default: [:]][key] = s
                case .int(let i): out[plugin, default: [:]][key] = String(i)
                case .bool(let b): out[plugin, default: [:]][key] = String(b)
                default: problems.append("\(path): \(plugin).\(key): must be a string, a whole number or a boolean")
                }
            }
        }
        guard problems.isEmpty else { throw PluginLoadError(problems: problems) }
        return out
    }
}
