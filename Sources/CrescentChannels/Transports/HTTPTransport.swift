import CrescentLua
import Foundation
import NIOCore

/// `http.request{ method, url, headers, body, timeout_ms }` → `{ status, headers, body }`.
///
/// Lua calls are synchronous, so the request runs on an event loop while the plugin's own
/// worker thread (never an event loop thread) waits for it. Before anything is written:
/// the host must be in `allowed_hosts`, the method and header names must be HTTP tokens and no
/// header value may hold CR, LF or NUL; the resolved and the connected address must pass the
/// ``AddressPolicy``. HTTPS verifies the server's certificate and name.
enum HTTPTransport {
    static func function(_ env: TransportEnvironment) -> HostFunction {
        { call in [try request(env, try call.table(1, "http.request's argument"))] }
    }

    static func request(_ env: TransportEnvironment, _ args: [String: LuaValue]) throws -> LuaValue {
        for key in args.keys where !["method", "url", "headers", "body", "timeout_ms"].contains(key) {
            throw HostError("http.request: unknown field \"\(key)\"")
        }
        guard let urlText = args["url"]?.stringValue, !WireText.breaksLine(urlText), !urlText.utf8.contains(0x20),
              let url = URLComponents(string: urlText), let scheme = url.scheme?.lowercased(),
              ["http", "https"].contains(scheme), let host = url.host, !host.isEmpty
        else { throw transportError(env, "http.request: url must be an http(s) URL") }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        if scheme == "https", IPAddress(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))) != nil {
            throw transportError(env, "http.request: https needs a host name, not the address \(host), since the certificate is checked against the name")
        }
        try env.checkAllowed(host: host, port: port, transport: "http.request")

        let method = (args["method"]?.stringValue ?? "GET").uppercased()
        guard WireText.isToken(method) else {
            throw transportError(env, "http.request: method \(quoted(method)) is not an HTTP method (letters only, no CR/LF)")
        }
        var headers: [(String, String)] = []
        for (name, value) in (args["headers"]?.tableValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard WireText.isToken(name) else {
                throw transportError(env, "http.request: header name \(quoted(name)) is not an HTTP token (no spaces, colons, CR or LF)")
            }
            guard let v = value.stringValue ?? value.intValue.map(String.init) else {
                throw HostError("http.request: header \(name) must be a string")
            }
            guard WireText.isFieldValue(v) else {
                throw transportError(env, "http.request: header \(name)'s value holds CR, LF or another control byte")
            }
            guard !["host", "content-length", "transfer-encoding", "connection"].contains(name.lowercased()) else {
                throw HostError("http.request: header \(name) is set by the host")
            }
            headers.append((name, v))
        }
        if let message = env.current?.message, !headers.contains(where: { $0.0.lowercased() == "idempotency-key" }),
           WireText.isFieldValue(message.idempotencyKey) {
            headers.append(("Idempotency-Key", message.idempotencyKey))
        }
        var target = url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath
        if let query = url.percentEncodedQuery { target += "?" + query }

        var (deadline, timeoutMs) = try env.callDeadline("http.request")
        if let asked = args["timeout_ms"]?.intValue, asked > 0, asked < timeoutMs {
            timeoutMs = Int(asked)
            deadline = .now() + .milliseconds(asked)
        }
        let cap = env.manifest.maxResponseBytes
        let client = HTTPWireClient(policy: env.addresses, tls: env.tls, maxResponseBytes: cap)
        let request = HTTPWireClient.Request(method: method, scheme: scheme, host: host, port: port, target: target,
                                             headers: headers, body: args["body"]?.stringValue.map { Array($0.utf8) })
        do {
            let response = try client.execute(request, deadline: deadline)
            env.current?.lastHTTPStatus = response.status
            env.current?.lastFailure = nil
            var table: [String: LuaValue] = [:]
            for (name, value) in response.headers { table[name.lowercased()] = .string(value) }
            return .table(["status": .int(Int64(response.status)), "headers": .table(table),
                           "body": .string(String(decoding: response.body, as: UTF8.self))])
        } catch {
            throw classify(error, env: env, host: host, timeoutMs: timeoutMs, cap: cap)
        }
    }

    private static func quoted(_ s: String) -> String { LuaValue.string(String(s.prefix(80))).description }

    private static func classify(_ error: Error, env: TransportEnvironment, host: String, timeoutMs: Int, cap: Int) -> HostError {
        switch error {
        case HTTPWireClient.Failure.tooLarge:
            return transportError(env, "http.request to \(host): response body larger than \(cap) bytes (limits.max_response_bytes)")
        case HTTPWireClient.Failure.timeout, ConnectFailure.timeout:
            env.current?.lastFailure = .timeout
            return transportError(env, "http.request to \(host): timed out after \(timeoutMs) ms")
        case ConnectFailure.refused(let why):
            return transportError(env, "http.request: \(why)")
        case HTTPWireClient.Failure.connection(let why), ConnectFailure.connection(let why):
            env.current?.lastFailure = .connection
            return transportError(env, "http.request to \(host): connection failed (\(why))")
        default:
            env.current?.lastFailure = .connection
            return transportError(env, "http.request to \(host): connection failed (\(error))")
        }
    }
}
