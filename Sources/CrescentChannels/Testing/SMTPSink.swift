import Foundation
import NIOCore
import NIOPosix

/// A local SMTP server on 127.0.0.1 (random port) that accepts every message and keeps it,
/// for `crescent plugin test` and the e-mail tests.
public final class SMTPSink: @unchecked Sendable {
    /// One message as the sink received it, with dot-stuffing undone.
    public struct Received: Sendable {
        public var from: String
        public var to: [String]
        public var data: String
        /// The commands in the order they came (EHLO, MAIL FROM, RCPT TO, DATA, QUIT).
        public var commands: [String]
    }

    public let port: Int
    private let channel: Channel
    private let lock = NSLock()
    private var stored: [Received] = []

    private init(channel: Channel) { self.channel = channel; port = channel.localAddress?.port ?? 0 }

    public static func start() throws -> SMTPSink {
        let box = SinkBox()
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { $0.pipeline.addHandler(SMTPSessionHandler(sink: box)) }
            .bind(host: "127.0.0.1", port: 0).wait()
        let sink = SMTPSink(channel: channel)
        box.sink = sink
        return sink
    }

    public var messages: [Received] { lock.lock(); defer { lock.unlock() }; return stored }
    public func shutdown() { try? channel.close().wait() }

    func store(_ m: Received) -> Int { lock.lock(); defer { lock.unlock() }; stored.append(m); return stored.count }
}

final class SinkBox: @unchecked Sendable { weak var sink: SMTPSink? }

/// One SMTP session: reads CRLF lines and answers each command.
final class SMTPSessionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let box: SinkBox
    private var pending = ""
    private var inData = false
    private var current = SMTPSink.Received(from: "", to: [], data: "", commands: [])
    private var dataLines: [String] = []

    init(sink: SinkBox) { box = sink }

    func channelActive(context: ChannelHandlerContext) { reply(context, "220 crescent-sink ESMTP") }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readString(length: buffer.readableBytes) ?? ""
        while let range = pending.range(of: "\r\n") {
            let line = String(pending[..<range.lowerBound])
            pending.removeSubrange(..<range.upperBound)
            handle(line, context)
        }
    }

    private func handle(_ line: String, _ context: ChannelHandlerContext) {
        if inData {
            if line == "." {
                inData = false
                current.data = dataLines.joined(separator: "\r\n")
                let n = box.sink?.store(current) ?? 0
                current = SMTPSink.Received(from: "", to: [], data: "", commands: current.commands)
                dataLines = []
                reply(context, "250 OK queued as sink-\(n)")
            } else {
                dataLines.append(line.hasPrefix(".") ? String(line.dropFirst()) : line)
            }
            return
        }
        let upper = line.uppercased()
        current.commands.append(String(upper.prefix { $0 != ":" && $0 != " " }))
        if upper.hasPrefix("EHLO") || upper.hasPrefix("HELO") { reply(context, "250-crescent-sink\r\n250 8BITMIME") }
        else if upper.hasPrefix("MAIL FROM:") { current.from = address(line); reply(context, "250 OK") }
        else if upper.hasPrefix("RCPT TO:") { current.to.append(address(line)); reply(context, "250 OK") }
        else if upper == "DATA" { inData = true; reply(context, "354 End data with <CR><LF>.<CR><LF>") }
        else if upper == "QUIT" {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "221 Bye\r\n"))).whenComplete { _ in context.close(promise: nil) }
        }
        else if upper == "RSET" || upper == "NOOP" { reply(context, "250 OK") }
        else { reply(context, "502 Command not implemented") }
    }

    private func address(_ line: String) -> String {
        guard let open = line.firstIndex(of: "<"), let close = line.lastIndex(of: ">"), open < close else { return "" }
        return String(line[line.index(after: open)..<close])
    }

    private func reply(_ context: ChannelHandlerContext, _ text: String) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text + "\r\n")), promise: nil)
    }
}
