import AsyncHTTPClient
import CrescentLua
import Foundation
import NIOCore
import NIOHTTP1

/// `http.request{ method, url, headers, body, timeout_ms }` → `{ status, headers, body }`.
///
/// Lua calls are synchronous, so the request runs on the HTTP client's event loop while the
/// plugin's own worker thread (never an event loop thread) waits on a semaphore.
enum HTTPTransport {
    /// One client for the process: redirects are refused, since a redirect could lead to a
    /// host outside the allow list.
    static let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                   configuration: .init(tlsConfiguration: nil, redirectConfiguration: .disallow))

    static func function(_ env: TransportEnvironment) -> HostFunction {
        { call in [try request(env, try call.table(1, "http.request's argument"))] }
    }

    static func request(_ env: TransportEnvironment, _ args: [String: LuaValue]) throws -> LuaValue {
        for key in args.keys where !["method", "url", "headers", "body", "timeout_ms"].contains(key) {
            throw HostError("http.request: unknown field \"\(key)\"")
        }
        guard let urlText = args["url"]?.stringValue, let url = URL(string: urlText),
              let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), let host = url.host
        else { throw transportError(env, "http.request: url must be an http(s) URL") }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        try env.checkAllowed(host: host, port: port, transport: "http.request")

        var request = HTTPClientRequest(url: urlText)
        request.method = HTTPMethod(rawValue: (args["method"]?.stringValue ?? "GET").uppercased())
        for (name, value) in args["headers"]?.tableValue ?? [:] {
            guard let v = value.stringValue ?? value.intValue.map(String.init) else {
                throw HostError("http.request: header \(name) must be a string")
            }
            request.headers.add(name: name, value: v)
        }
        if let message = env.current?.message, !request.headers.contains(name: "Idempotency-Key") {
            request.headers.add(name: "Idempotency-Key", value: message.idempotencyKey)
        }
        if let body = args["body"]?.stringValue { request.body = .bytes(ByteBuffer(string: body)) }
        let limit = env.requestTimeoutMs
        let timeoutMs = min(Int(args["timeout_ms"]?.intValue ?? Int64(limit)), limit)
        let cap = env.manifest.maxResponseBytes

        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        let task = Task {
            do {
                let response = try await client.execute(request, timeout: .milliseconds(Int64(timeoutMs)))
                let body = try await response.body.collect(upTo: cap)
                var headers: [String: LuaValue] = [:]
                for h in response.headers { headers[h.name.lowercased()] = .string(h.value) }
                box.set(.success(.table(["status": .int(Int64(response.status.code)), "headers": .table(headers),
                                          "body": .string(String(buffer: body))])))
            } catch {
                box.set(.failure(error))
            }
            done.signal()
        }
        // The client enforces the timeout; the extra second only guards against a lost wake-up.
        if done.wait(timeout: .now() + .milliseconds(timeoutMs + 1_000)) == .timedOut {
            task.cancel()
            env.current?.lastFailure = .timeout
            throw transportError(env, "http.request to \(host): timed out after \(timeoutMs) ms")
        }
        switch box.get()! {
        case .success(let response):
            env.current?.lastHTTPStatus = Int(response["status"]?.intValue ?? 0)
            env.current?.lastFailure = nil
            return .table(response)
        case .failure(let error):
            throw classify(error, env: env, host: host, timeoutMs: timeoutMs, cap: cap)
        }
    }

    private static func classify(_ error: Error, env: TransportEnvironment, host: String, timeoutMs: Int, cap: Int) -> HostError {
        if error is NIOTooManyBytesError {
            return transportError(env, "http.request to \(host): response body larger than \(cap) bytes (limits.max_response_bytes)")
        }
        if let e = error as? HTTPClientError,
           [.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout].contains(e) {
            env.current?.lastFailure = .timeout
            return transportError(env, "http.request to \(host): timed out after \(timeoutMs) ms")
        }
        env.current?.lastFailure = .connection
        return transportError(env, "http.request to \(host): connection failed (\(error))")
    }
}

/// Carries a result from the event loop to the waiting worker thread.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Result<[String: LuaValue], Error>?
    func set(_ v: Result<LuaValue, Error>) {
        lock.lock(); defer { lock.unlock() }
        value = v.map { $0.tableValue ?? [:] }
    }
    func get() -> Result<[String: LuaValue], Error>? { lock.lock(); defer { lock.unlock() }; return value }
}
