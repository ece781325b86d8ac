import Crypto
import CrescentLua
import Foundation

/// The small host libraries every plugin sees: `crypto`, `json`, `tasks`, `inbox`.
enum HostLibraries {
    /// `crypto.hmac_sha256(key, data)` → lowercase hex.
    static func hmacSHA256(_ call: HostCall) throws -> [LuaValue] {
        let key = try call.string(1, "crypto.hmac_sha256's key"), data = try call.string(2, "crypto.hmac_sha256's data")
        let mac = HMAC<SHA256>.authenticationCode(for: Data(data.utf8), using: SymmetricKey(data: Data(key.utf8)))
        return [.string(mac.map { String(format: "%02x", $0) }.joined())]
    }

    /// `json.encode(value)` → JSON text with sorted keys (stable, so signatures are repeatable).
    static func jsonEncode(_ call: HostCall) throws -> [LuaValue] { [.string(try call.value(1).description)] }

    /// `json.decode(text)` → value; a malformed document is an error naming the problem.
    static func jsonDecode(_ call: HostCall) throws -> [LuaValue] {
        let text = try call.string(1, "json.decode's argument")
        do { return [try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)).value] }
        catch { throw HostError("json.decode: not valid JSON") }
    }

    static func createTask(_ env: TransportEnvironment) -> HostFunction {
        { call in
            let task = try call.table(1, "tasks.create's argument")
            guard task["member"]?.intValue != nil else { throw HostError("tasks.create: member (an id) is required") }
            return [.string(try env.sinks.tasks.create(plugin: env.manifest.name, task: task))]
        }
    }

    static func inboxPut(_ env: TransportEnvironment) -> HostFunction {
        { call in
            let item = try call.table(1, "inbox.put's argument")
            guard let member = item["member"]?.intValue else { throw HostError("inbox.put: member (an id) is required") }
            return [.string(try env.sinks.inbox.put(plugin: env.manifest.name, member: member, item: item))]
        }
    }
}

/// Decodes any JSON document into a `LuaValue`, keeping integers, doubles and booleans apart.
struct JSONValue: Decodable {
    let value: LuaValue
    init(from decoder: Decoder) throws {
        if var list = try? decoder.unkeyedContainer() {
            var items: [LuaValue] = []
            while !list.isAtEnd { items.append(try list.decode(JSONValue.self).value) }
            value = .array(items); return
        }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var t: [String: LuaValue] = [:]
            for key in object.allKeys { t[key.stringValue] = try object.decode(JSONValue.self, forKey: key).value }
            value = .table(t); return
        }
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { value = .null }
        else if let b = try? c.decode(Bool.self) { value = .bool(b) }
        else if let i = try? c.decode(Int64.self) { value = .int(i) }
        else if let d = try? c.decode(Double.self) { value = .double(d) }
        else { value = .string(try c.decode(String.self)) }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
