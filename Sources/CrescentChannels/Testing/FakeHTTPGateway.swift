import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A local HTTP server on 127.0.0.1 (random port) that plays a provider's gateway, with
/// scripted faults, for `crescent plugin test` and the fault tests.
///
/// For example:
/// ```swift
/// let gateway = try FakeHTTPGateway.start(script: [.respond(500), .respond(200)])
/// // point the plugin at "http://127.0.0.1:\(gateway.port)/send"
/// ```
public final class FakeHTTPGateway: @unchecked Sendable {
    /// What the gateway does with one request; requests past the script get `.respond(200)`.
    public enum Fault: Sendable {
        case respond(Int, body: String? = nil)
        /// Answers after a pause (a slow gateway).
        case delay(Double, status: Int)
        /// Never answers (the client times out).
        case hang
        /// Closes the connection without answering.
        case close
        /// Answers with `Transfer-Encoding: chunked`, one chunk per part.
        case chunked(Int, parts: [String])
    }

    /// One request as the gateway received it.
    public struct Received: Sendable {
        public var method: String
        public var path: String
        public var headers: [(String, String)]
        public var body: String
        /// Monotonic seconds when the request ended, for rate-limit checks.
        public var at: Double
        public var status: Int?
        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    public let port: Int
    private let channel: Channel
    private let lock = NSLock()
    private var script: [Fault]
    private var received: [Received] = []

    private init(channel: Channel, script: [Fault]) {
        self.channel = channel
        self.script = script
        port = channel.localAddress?.port ?? 0
    }

    /// - parameter tls: serves HTTPS with this server context instead of plain HTTP.
    public static func start(script: [Fault] = [], tls: NIOSSLContext? = nil) throws -> FakeHTTPGateway {
        let box = GatewayBox()
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let tls { try sync.addHandler(NIOSSLServerHandler(context: tls)) }
                    try sync.configureHTTPServerPipeline()
                    try sync.addHandler(GatewayHandler(gateway: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        let gateway = FakeHTTPGateway(channel: channel, script: script)
        box.gateway = gateway
        return gateway
    }

    public var requests: [Received] { lock.lock(); defer { lock.unlock() }; return received }

    /// Idempotency keys of requests the gateway answered with a 2xx, in order.
    public var acceptedKeys: [String] {
        requests.filter { ($0.status ?? 0) / 100 == 2 }.compactMap { $0.header("Idempotency-Key") }
    }

    public func shutdown() { try? channel.close().wait() }

    func next(_ request: Received) -> (Fault, Int) {
        lock.lock(); defer { lock.unlock() }
        let fault = script.isEmpty ? .respond(200) : script.removeFirst()
        var r = request
        switch fault {
        case .respond(let s, _), .delay(_, let s), .chunked(let s, _): r.status = s
        case .hang, .close: r.status = nil
        }
        received.append(r)
        return (fault, received.count)
    }
}

final class GatewayBox: @unchecked Sendable { weak var gateway: FakeHTTPGateway? }

/// Collects one request, then answers as the script says.
final class GatewayHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    private let box: GatewayBox
    private var head: HTTPRequestHead?
    private var body = ""

    init(gateway: GatewayBox) { box = gateway }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h): head = h; body = ""
        case .body(var b): body += b.readString(length: b.readableBytes) ?? ""
        case .end:
            guard let head, let gateway = box.gateway else { return }
            let request = FakeHTTPGateway.Received(
                method: head.method.rawValue, path: head.uri, headers: head.headers.map { ($0.name, $0.value) },
                body: body, at: Double(DispatchTime.now().uptimeNanoseconds) / 1e9, status: nil)
            let (fault, n) = gateway.next(request)
            switch fault {
            case .respond(let status, let text):
                respond(context, status, text ?? Self.defaultBody(status, n))
            case .delay(let seconds, let status):
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) {
                    let (handler, ctx) = loopBound.value
                    handler.respond(ctx, status, Self.defaultBody(status, n))
                }
            case .chunked(let status, let parts):
                // No Content-Length: NIO's encoder then frames the body as chunks.
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status)))),
                              promise: nil)
                for part in parts { context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: part)))), promise: nil) }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case .hang: break
            case .close: context.close(promise: nil)
            }
        }
    }

    static func defaultBody(_ status: Int, _ n: Int) -> String {
        status / 100 == 2 ? "{\"id\":\"msg-\(n)\"}" : "{\"error\":\"status \(status)\"}"
    }

    func respond(_ context: ChannelHandlerContext, _ status: Int, _ text: String) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(text.utf8.count))
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status),
                                                             headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
