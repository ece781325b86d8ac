import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One HTTP/1.1 exchange over a ``GuardedConnector`` connection: no redirects followed (a
/// redirect could lead outside the allow list), no connection reuse, the response body capped.
///
/// It blocks the calling thread (a plugin's worker, never an event loop) until the response
/// ends, the cap is passed or the deadline is reached; at the deadline the channel is closed.
struct HTTPWireClient {
    struct Request {
        var method: String
        var scheme: String
        var host: String
        var port: Int
        /// Path and query, e.g. `/v1/messages?x=1`.
        var target: String
        var headers: [(String, String)]
        var body: [UInt8]?
    }

    struct Response {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]
    }

    enum Failure: Error {
        case tooLarge
        case timeout
        case connection(String)
    }

    let policy: AddressPolicy
    let tls: TransportTLS
    let maxResponseBytes: Int

    func execute(_ request: Request, deadline: NIODeadline) throws -> Response {
        let promise = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: Response.self)
        let collector = ResponseCollector(promise: promise, cap: maxResponseBytes)
        let tlsContext = request.scheme == "https" ? try tls.context.get() : nil
        let host = request.host
        let channel: Channel
        do {
            channel = try GuardedConnector.connect(host: request.host, port: request.port, policy: policy, deadline: deadline) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let tlsContext { try TransportTLS.addClientHandler(tlsContext, host: host, to: sync) }
                    try sync.addHTTPClientHandlers()
                    try sync.addHandler(collector)
                }
            }
        } catch {
            promise.fail(error)
            throw error
        }
        let timer = channel.eventLoop.scheduleTask(deadline: deadline) {
            promise.fail(Failure.timeout)
            channel.close(promise: nil)
        }
        defer { timer.cancel(); channel.close(promise: nil) }

        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: request.method), uri: request.target)
        let defaultPort = request.scheme == "https" ? 443 : 80
        let hostHeader = request.host.contains(":") ? "[\(request.host)]" : request.host
        head.headers.add(name: "Host", value: request.port == defaultPort ? hostHeader : "\(hostHeader):\(request.port)")
        for (name, value) in request.headers { head.headers.add(name: name, value: value) }
        head.headers.replaceOrAdd(name: "Connection", value: "close")
        head.headers.replaceOrAdd(name: "Content-Length", value: String(request.body?.count ?? 0))
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if let body = request.body, !body.isEmpty {
            channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
        }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        do { return try promise.futureResult.wait() }
        catch { throw NIODeadline.now() >= deadline ? Failure.timeout : error }
    }
}

/// Gathers one response and completes the promise with it, or with the first error.
private final class ResponseCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    private let promise: EventLoopPromise<HTTPWireClient.Response>
    private let cap: Int
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []

    init(promise: EventLoopPromise<HTTPWireClient.Response>, cap: Int) { self.promise = promise; self.cap = cap }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h): head = h
        case .body(var b):
            guard body.count + b.readableBytes <= cap else {
                promise.fail(HTTPWireClient.Failure.tooLarge)
                context.close(promise: nil)
                return
            }
            body += b.readBytes(length: b.readableBytes) ?? []
        case .end:
            guard let head else { return }
            promise.succeed(.init(status: Int(head.status.code), headers: head.headers.map { ($0.name, $0.value) }, body: body))
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        promise.fail(HTTPWireClient.Failure.connection("\(error)"))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(HTTPWireClient.Failure.connection("the server closed the connection before answering"))
    }
}
