/// What a plugin declares in `plugins/<name>/manifest.toml`: who it may talk to and how hard.
///
/// For example:
/// ```toml
/// name = "sms"
/// channel = "sms"
/// allowed_hosts = ["sms-gateway.example.com"]
/// # allowed_private_addresses = ["10.1.0.0/16"]   # only for a gateway on the private network
/// [rate_limit]
/// per_second = 20
/// burst = 5
/// [retry]
/// max_attempts = 4
/// base_delay_ms = 200
/// max_delay_ms = 5000
/// [timeouts]
/// request_ms = 3000
/// send_ms = 10000
/// [limits]
/// max_response_bytes = 65536
/// [config.api_key]
/// type = "string"
/// secret = true
/// required = true
/// ```
public struct PluginManifest: Sendable, Equatable {
    public var name: String
    /// The channel code recorded with every outcome (`sms`, `email`, …).
    public var channel: String
    /// Host names (or `host:port`) the transports may reach; everything else is refused.
    public var allowedHosts: [String]
    /// Private, loopback or link-local addresses (or blocks, `10.1.0.0/16`) the transports may
    /// connect to; every other such address is refused after DNS resolution, whatever the name.
    public var allowedPrivateAddresses: [String] = []
    public var rateLimit: RateLimit
    public var retry: RetryPolicy
    public var timeouts: Timeouts
    /// Bytes of a response body the HTTP transport accepts before refusing it.
    public var maxResponseBytes: Int
    public var config: [String: ConfigKey]

    public struct RateLimit: Sendable, Equatable {
        public var perSecond: Double
        public var burst: Int
        public init(perSecond: Double, burst: Int) { self.perSecond = perSecond; self.burst = burst }
    }

    public struct RetryPolicy: Sendable, Equatable {
        /// Total attempts including the first (1: never retry).
        public var maxAttempts: Int
        public var baseDelayMs: Int
        public var maxDelayMs: Int
        public init(maxAttempts: Int, baseDelayMs: Int, maxDelayMs: Int) {
            self.maxAttempts = maxAttempts; self.baseDelayMs = baseDelayMs; self.maxDelayMs = maxDelayMs
        }
    }

    public struct Timeouts: Sendable, Equatable {
        /// Longest a single transport call (HTTP request, SMTP dialogue) may take.
        public var requestMs: Int
        /// Longest one call of `send` may take in the sandbox, transports included.
        public var sendMs: Int
        public init(requestMs: Int, sendMs: Int) { self.requestMs = requestMs; self.sendMs = sendMs }
    }

    public enum ConfigType: String, Sendable, Equatable, CaseIterable {
        case string, int, bool, url
    }

    public struct ConfigKey: Sendable, Equatable {
        public var type: ConfigType
        /// Never printed, logged or recorded: every occurrence is redacted.
        public var secret: Bool
        public var required: Bool
        public var defaultValue: LuaValue?
        public init(type: ConfigType, secret: Bool = false, required: Bool = false, defaultValue: LuaValue? = nil) {
            self.type = type; self.secret = secret; self.required = required; self.defaultValue = defaultValue
        }
    }
}

import CrescentLua
