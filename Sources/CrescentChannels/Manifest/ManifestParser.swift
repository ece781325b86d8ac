import CrescentLua

/// Validates a manifest's data and reports every problem, not just the first.
///
/// Problems are named by dotted key (`rate_limit.per_second: must be a positive number`);
/// unknown keys are refused with the closest known key as a suggestion.
struct ManifestParser {
    private(set) var problems: [ManifestProblem] = []

    static let topKeys = ["name", "channel", "description", "allowed_hosts", "allowed_private_addresses", "rate_limit", "retry",
                          "timeouts", "limits", "config"]
    static let sections: [String: [String]] = [
        "rate_limit": ["per_second", "burst"],
        "retry": ["max_attempts", "base_delay_ms", "max_delay_ms"],
        "timeouts": ["request_ms", "send_ms"],
        "limits": ["max_response_bytes"],
    ]
    static let configFields = ["type", "secret", "required", "default", "description"]

    mutating func parse(_ doc: [String: LuaValue]) -> PluginManifest? {
        for key in doc.keys.sorted() where !Self.topKeys.contains(key) {
            problem(key, DidYouMean.unknownKey(key, among: Self.topKeys))
        }
        for (section, fields) in Self.sections.sorted(by: { $0.key < $1.key }) {
            guard let value = doc[section] else { continue }
            guard let table = value.tableValue else { problem(section, "must be a table"); continue }
            for key in table.keys.sorted() where !fields.contains(key) {
                problem("\(section).\(key)", DidYouMean.unknownKey(key, among: fields))
            }
        }
        let name = pluginName(doc)
        let channel = identifier(doc, "channel")
        let hosts = allowedHosts(doc["allowed_hosts"])
        let privateAddresses = privateBlocks(doc["allowed_private_addresses"])
        let perSecond = number(doc, "rate_limit", "per_second", default: nil)
        let burst = integer(doc, "rate_limit", "burst", default: 1)
        let attempts = integer(doc, "retry", "max_attempts", default: 3)
        let base = integer(doc, "retry", "base_delay_ms", default: 200)
        let maxDelay = integer(doc, "retry", "max_delay_ms", default: 5_000)
        if let base, let maxDelay, maxDelay < base {
            problem("retry.max_delay_ms", "must be at least retry.base_delay_ms (\(base))")
        }
        let request = integer(doc, "timeouts", "request_ms", default: 5_000)
        let send = integer(doc, "timeouts", "send_ms", default: 15_000)
        let cap = integer(doc, "limits", "max_response_bytes", default: 1 << 20)
        let config = configKeys(doc["config"])
        guard problems.isEmpty, let name, let channel, let hosts, let perSecond, let burst, let attempts,
              let base, let maxDelay, let request, let send, let cap, let config else { return nil }
        var manifest = PluginManifest(
            name: name, channel: channel, allowedHosts: hosts,
            rateLimit: .init(perSecond: perSecond, burst: burst),
            retry: .init(maxAttempts: attempts, baseDelayMs: base, maxDelayMs: maxDelay),
            timeouts: .init(requestMs: request, sendMs: send), maxResponseBytes: cap, config: config)
        manifest.allowedPrivateAddresses = privateAddresses ?? []
        return manifest
    }

    // MARK: - Fields

    private mutating func problem(_ key: String, _ message: String) {
        problems.append(ManifestProblem(key: key, message: message))
    }

    /// The plugin's name also names its environment variables, so it is held to the stricter rule.
    private mutating func pluginName(_ doc: [String: LuaValue]) -> String? {
        guard let name = identifier(doc, "name") else { return nil }
        guard ConfigValues.isEnvironmentSafeName(name) else {
            problem("name", "must be lowercase letters and digits in words joined by single underscores (e.g. sms_gateway), "
                    + "since it names the plugin's CRESCENT_<PLUGIN>__<KEY> variables")
            return nil
        }
        return name
    }

    private mutating func identifier(_ doc: [String: LuaValue], _ key: String) -> String? {
        guard let value = doc[key] else { problem(key, "is required"); return nil }
        guard let s = value.stringValue, !s.isEmpty,
              s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
        else { problem(key, "must be a non-empty name of letters, digits, _ or -"); return nil }
        return s
    }

    private mutating func allowedHosts(_ value: LuaValue?) -> [String]? {
        guard let value else { return [] }
        guard let items = value.arrayValue else { problem("allowed_hosts", "must be an array of host names"); return nil }
        var hosts: [String] = []
        for (i, item) in items.enumerated() {
            guard let h = item.stringValue, !h.isEmpty, !h.contains("/"), !h.contains(" ") else {
                problem("allowed_hosts[\(i + 1)]", "must be a host name or host:port, without scheme or path")
                continue
            }
            hosts.append(h.lowercased())
        }
        return hosts
    }

    private mutating func privateBlocks(_ value: LuaValue?) -> [String]? {
        guard let value else { return [] }
        guard let items = value.arrayValue else { problem("allowed_private_addresses", "must be an array of addresses"); return nil }
        var blocks: [String] = []
        for (i, item) in items.enumerated() {
            guard let text = item.stringValue, AddressBlock(text) != nil else {
                problem("allowed_private_addresses[\(i + 1)]", "must be an IP address or a block such as 10.1.0.0/16")
                continue
            }
            blocks.append(text)
        }
        return blocks
    }

    private func field(_ doc: [String: LuaValue], _ section: String, _ key: String) -> LuaValue? {
        doc[section]?.tableValue?[key]
    }

    private mutating func number(_ doc: [String: LuaValue], _ section: String, _ key: String,
                                 default fallback: Double?) -> Double? {
        guard let value = field(doc, section, key) else {
            if fallback == nil { problem("\(section).\(key)", "is required") }
            return fallback
        }
        guard let d = value.doubleValue, d > 0, d.isFinite else {
            problem("\(section).\(key)", "must be a positive number"); return nil
        }
        return d
    }

    private mutating func integer(_ doc: [String: LuaValue], _ section: String, _ key: String,
                                  default fallback: Int) -> Int? {
        guard let value = field(doc, section, key) else { return fallback }
        guard case .int(let i) = value, i > 0, i <= Int64(Int32.max) else {
            problem("\(section).\(key)", "must be a positive whole number"); return nil
        }
        return Int(i)
    }

    private mutating func configKeys(_ value: LuaValue?) -> [String: PluginManifest.ConfigKey]? {
        guard let value else { return [:] }
        guard let table = value.tableValue else { problem("config", "must be a table of keys"); return nil }
        var keys: [String: PluginManifest.ConfigKey] = [:]
        for (name, spec) in table.sorted(by: { $0.key < $1.key }) {
            let path = "config.\(name)"
            guard ConfigValues.isEnvironmentSafeName(name) else {
                problem(path, "a config key must be lowercase letters and digits in words joined by single underscores "
                        + "(e.g. api_key), since it names a CRESCENT_<PLUGIN>__<KEY> variable")
                continue
            }
            guard let spec = spec.tableValue else { problem(path, "must be a table with type, secret, required, default"); continue }
            for key in spec.keys.sorted() where !Self.configFields.contains(key) {
                problem("\(path).\(key)", DidYouMean.unknownKey(key, among: Self.configFields))
            }
            let typeName = spec["type"]?.stringValue ?? ""
            guard let type = PluginManifest.ConfigType(rawValue: typeName) else {
                problem("\(path).type", "must be one of: string, int, bool, url"); continue
            }
            var key = PluginManifest.ConfigKey(type: type)
            for flag in ["secret", "required"] {
                guard let v = spec[flag] else { continue }
                guard let b = v.boolValue else { problem("\(path).\(flag)", "must be true or false"); continue }
                if flag == "secret" { key.secret = b } else { key.required = b }
            }
            if let d = spec["default"] {
                if let message = ConfigValues.typeProblem(d, type) { problem("\(path).default", message) }
                else if key.required { problem("\(path).default", "a required key cannot have a default") }
                else { key.defaultValue = d }
            }
            keys[name] = key
        }
        return keys
    }
}
