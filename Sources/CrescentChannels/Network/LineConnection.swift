import Foundation
import NIOCore
import NIOSSL

/// A line-oriented conversation (SMTP) over a ``GuardedConnector`` connection, driven from a
/// plugin's worker thread: writes wait for the flush, reads block until a CRLF line, the
/// close or the deadline. At the deadline the channel is closed, which ends any wait.
final class LineConnection {
    private let channel: Channel
    private let inbox: LineInbox
    private let timer: Scheduled<Void>
    let deadline: NIODeadline

    init(host: String, port: Int, policy: AddressPolicy, deadline: NIODeadline) throws {
        let inbox = LineInbox()
        channel = try GuardedConnector.connect(host: host, port: port, policy: policy, deadline: deadline) { channel in
            channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(inbox) }
        }
        self.inbox = inbox
        self.deadline = deadline
        timer = channel.eventLoop.scheduleTask(deadline: deadline) { [channel = channel] in channel.close(promise: nil) }
    }

    deinit {
        timer.cancel()
        channel.close(promise: nil)
    }

    func write(_ bytes: [UInt8]) throws {
        do { try channel.writeAndFlush(ByteBuffer(bytes: bytes)).wait() }
        catch { throw NIODeadline.now() >= deadline ? LineFailure.timeout : LineFailure.connection("\(error)") }
    }

    /// The next line without its CRLF.
    func readLine() throws -> String {
        try inbox.line(deadline: deadline)
    }

    /// Upgrades to TLS in place (after the server's `220` to STARTTLS); the server's
    /// certificate is verified for `host`. Bytes the server sent before the handshake would be
    /// an injection attack, so they end the conversation.
    func startTLS(host: String, tls: TransportTLS) throws {
        guard inbox.isEmpty else { throw LineFailure.connection("the server sent data before the TLS handshake") }
        let context = try tls.context.get()
        try channel.eventLoop.submit { [channel] in
            try TransportTLS.addClientHandler(context, host: host, to: channel.pipeline.syncOperations, position: .first)
        }.wait()
    }
}

enum LineFailure: Error, Equatable, CustomStringConvertible {
    case timeout
    case connection(String)

    var description: String {
        switch self {
        case .timeout: "no reply in time"
        case .connection(let why): why
        }
    }
}

/// Collects received bytes for the worker thread; the event loop appends, the worker waits.
private final class LineInbox: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    /// Longest reply line accepted; a server that never ends a line cannot fill memory.
    static let maxLine = 64 << 10
    private let condition = NSCondition()
    private var buffer: [UInt8] = []
    private var ended: String?

    var isEmpty: Bool { condition.lock(); defer { condition.unlock() }; return buffer.isEmpty }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        condition.lock()
        buffer += bytes.readBytes(length: bytes.readableBytes) ?? []
        condition.broadcast()
        condition.unlock()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        end("\(error)")
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) { end("connection closed by the server") }

    private func end(_ why: String) {
        condition.lock()
        if ended == nil { ended = why }
        condition.broadcast()
        condition.unlock()
    }

    func line(deadline: NIODeadline) throws -> String {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let lf = buffer.firstIndex(of: 0x0A) {
                let end = lf > 0 && buffer[lf - 1] == 0x0D ? lf - 1 : lf
                let line = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(lf + 1)
                return line
            }
            if buffer.count > Self.maxLine { throw LineFailure.connection("reply line longer than \(Self.maxLine) bytes") }
            if NIODeadline.now() >= deadline { throw LineFailure.timeout }
            if let ended { throw LineFailure.connection(ended) }
            let left = deadline - .now()
            _ = condition.wait(until: Date(timeIntervalSinceNow: Double(left.nanoseconds) / 1e9))
        }
    }
}
