import CrescentLua
import Foundation

/// Resolves a plugin's `config.<key>` values from explicit settings, then the environment
/// (`CRESCENT_<PLUGIN>__<KEY>`), then the manifest's defaults, and checks each against its type.
public enum ConfigValues {
    /// The environment variable that sets `key` for `plugin`, e.g. `CRESCENT_SMS__API_KEY`.
    ///
    /// Plugin names and config keys are lowercase words joined by single underscores
    /// (``isEnvironmentSafeName(_:)``), so the double underscore cannot occur in either and
    /// no two (plugin, key) pairs share a variable: `sms_api`'s `key` is `CRESCENT_SMS_API__KEY`,
    /// `sms`'s `api_key` is `CRESCENT_SMS__API_KEY`.
    public static func environmentName(plugin: String, key: String) -> String {
        "CRESCENT_\(plugin.uppercased())__\(key.uppercased())"
    }

    /// Lowercase ASCII letters and digits in words joined by single underscores: `sms`, `api_key`.
    public static func isEnvironmentSafeName(_ name: String) -> Bool {
        let words = name.split(separator: "_", omittingEmptySubsequences: false)
        return words.allSatisfy { word in
            !word.isEmpty && word.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
        }
    }

    /// Every resolved value, or every problem (named `config.<key>`).
    public static func resolve(_ manifest: PluginManifest, settings: [String: String],
                               environment: [String: String]) -> Result<[String: LuaValue], PluginLoadError> {
        var values: [String: LuaValue] = [:]
        var problems: [String] = []
        let known = Array(manifest.config.keys)
        for key in settings.keys.sorted() where manifest.config[key] == nil {
            problems.append("config.\(key): " + DidYouMean.unknownKey(key, among: known))
        }
        for (key, spec) in manifest.config.sorted(by: { $0.key < $1.key }) {
            let envName = environmentName(plugin: manifest.name, key: key)
            if let text = settings[key] ?? environment[envName] {
                switch convert(text, spec.type) {
                case .success(let v): values[key] = v
                case .failure(let message):
                    // Never echo a secret's text back in the problem.
                    let shown = spec.secret ? "" : " (got \"\(text)\")"
                    problems.append("config.\(key): \(message.message)\(shown)")
                }
            } else if let d = spec.defaultValue {
                values[key] = d
            } else if spec.required {
                // The single-underscore name of earlier versions could belong to another plugin
                // (`sms_api`'s `key` vs `sms`'s `api_key`), so it is never read; say so when it is set.
                let old = "CRESCENT_\(manifest.name.uppercased())_\(key.uppercased())"
                let hint = environment[old] != nil ? " (\(old) is set but no longer read: rename it to \(envName))" : ""
                problems.append("config.\(key): is required; set it in the plugin settings or \(envName)\(hint)")
            }
        }
        return problems.isEmpty ? .success(values) : .failure(PluginLoadError(problems: problems))
    }

    /// Why `value` is not a valid `type`, or nil when it is.
    static func typeProblem(_ value: LuaValue, _ type: PluginManifest.ConfigType) -> String? {
        switch (type, value) {
        case (.string, .string), (.int, .int), (.bool, .bool): return nil
        case (.url, .string(let s)): return isURL(s) ? nil : "must be an http(s) or smtp URL"
        default: return "must be a \(type.rawValue)"
        }
    }

    private static func convert(_ text: String, _ type: PluginManifest.ConfigType) -> Result<LuaValue, ConfigTypeError> {
        switch type {
        case .string: return .success(.string(text))
        case .int: return Int64(text).map { .success(.int($0)) } ?? .failure(ConfigTypeError("must be a whole number"))
        case .bool:
            switch text.lowercased() {
            case "true", "1", "yes": return .success(.bool(true))
            case "false", "0", "no": return .success(.bool(false))
            default: return .failure(ConfigTypeError("must be true or false"))
            }
        case .url: return isURL(text) ? .success(.string(text)) : .failure(ConfigTypeError("must be an http(s) or smtp URL"))
        }
    }

    static func isURL(_ s: String) -> Bool {
        guard let url = URL(string: s), let scheme = url.scheme?.lowercased(), url.host != nil else { return false }
        return ["http", "https", "smtp"].contains(scheme)
    }
}

struct ConfigTypeError: Error { let message: String; init(_ m: String) { message = m } }
extension ConfigTypeError: CustomStringConvertible { var description: String { message } }
