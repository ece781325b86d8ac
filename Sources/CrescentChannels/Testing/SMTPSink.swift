import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A local SMTP server on 127.0.0.1 (random port) that accepts every message and keeps it,
/// for `crescent plugin test` and the e-mail tests.
///
/// With a TLS context it offers STARTTLS; with credentials it offers AUTH PLAIN and LOGIN
/// (only after STARTTLS when it also has TLS) and refuses MAIL until the client authenticated.
public final class SMTPSink: @unchecked Sendable {
    /// One message as the sink received it, with dot-stuffing undone.
    public struct Received: Sendable {
        public var from: String
        public var to: [String]
        public var data: String
        /// The commands in the order they came (EHLO, MAIL FROM, RCPT TO, DATA, QUIT).
        public var commands: [String]
        /// Whether the message arrived over TLS (after STARTTLS).
        public var overTLS = false
        /// The user that authenticated before the message, if any.
        public var user: String?
    }

    /// What the sink asks of clients.
    public struct Options: Sendable {
        /// Offers STARTTLS with this server context.
        public var tls: NIOSSLContext?
        /// Offers AUTH PLAIN/LOGIN and requires it before MAIL.
        public var username: String?
        public var password: String?
        /// The AUTH mechanisms offered, of PLAIN and LOGIN.
        public var mechanisms: [String]
        /// A line sent in the same packet as the reply to STARTTLS, before the handshake, as a
        /// man in the middle injecting plaintext would.
        public var injectedAfterSTARTTLS: String?
        public init(tls: NIOSSLContext? = nil, username: String? = nil, password: String? = nil,
                    mechanisms: [String] = ["PLAIN", "LOGIN"], injectedAfterSTARTTLS: String? = nil) {
            self.tls = tls; self.username = username; self.password = password; self.mechanisms = mechanisms
            self.injectedAfterSTARTTLS = injectedAfterSTARTTLS
        }
    }

    public let port: Int
    private let channel: Channel
    private let lock = NSLock()
    private var stored: [Received] = []
    private var failures: [String] = []

    private init(channel: Channel) { self.channel = channel; port = channel.localAddress?.port ?? 0 }

    public static func start(_ options: Options = Options()) throws -> SMTPSink {
        let box = SinkBox()
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { $0.pipeline.addHandler(SMTPSessionHandler(sink: box, options: options)) }
            .bind(host: "127.0.0.1", port: 0).wait()
        let sink = SMTPSink(channel: channel)
        box.sink = sink
        return sink
    }

    public var messages: [Received] { lock.lock(); defer { lock.unlock() }; return stored }
    /// Refused authentications and commands it did not know, as the lines came.
    public var refusals: [String] { lock.lock(); defer { lock.unlock() }; return failures }
    func refused(_ line: String) { lock.lock(); defer { lock.unlock() }; failures.append(line) }
    public func shutdown() { try? channel.close().wait() }

    func store(_ m: Received) -> Int { lock.lock(); defer { lock.unlock() }; stored.append(m); return stored.count }
}

final class SinkBox: @unchecked Sendable { weak var sink: SMTPSink? }

/// One SMTP session: reads CRLF lines and answers each command.
final class SMTPSessionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let box: SinkBox
    private let options: SMTPSink.Options
    private var pending: [UInt8] = []
    private var inData = false
    private var overTLS = false
    private var user: String?
    /// The step of an AUTH exchange in progress.
    private enum AuthStep { case plain, loginUser, loginPassword(String) }
    private var auth: AuthStep?
    private var current = SMTPSink.Received(from: "", to: [], data: "", commands: [])
    private var dataLines: [String] = []

    init(sink: SinkBox, options: SMTPSink.Options) { box = sink; self.options = options }

    func channelActive(context: ChannelHandlerContext) { reply(context, "220 crescent-sink ESMTP") }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        // Lines end at CRLF only; a bare LF stays inside the line, as a strict server sees it.
        while let cr = pending.indices.first(where: { pending[$0] == 13 && $0 + 1 < pending.count && pending[$0 + 1] == 10 }) {
            let line = String(decoding: pending[..<cr], as: UTF8.self)
            pending.removeFirst(cr + 2)
            handle(line, context)
        }
    }

    private var offersAuth: Bool { options.username != nil && (options.tls == nil || overTLS) }

    private func handle(_ line: String, _ context: ChannelHandlerContext) {
        if inData {
            if line == "." {
                inData = false
                current.data = dataLines.joined(separator: "\r\n")
                current.overTLS = overTLS
                current.user = user
                let n = box.sink?.store(current) ?? 0
                current = SMTPSink.Received(from: "", to: [], data: "", commands: current.commands)
                dataLines = []
                reply(context, "250 OK queued as sink-\(n)")
            } else {
                dataLines.append(line.hasPrefix(".") ? String(line.dropFirst()) : line)
            }
            return
        }
        if let step = auth { continueAuth(step, line, context); return }
        let upper = line.uppercased()
        current.commands.append(String(upper.prefix { $0 != ":" && $0 != " " }))
        if upper.hasPrefix("EHLO") || upper.hasPrefix("HELO") {
            var lines = ["250-crescent-sink", "250-8BITMIME"]
            if options.tls != nil && !overTLS { lines.append("250-STARTTLS") }
            if offersAuth { lines.append("250-AUTH " + options.mechanisms.joined(separator: " ")) }
            lines[lines.count - 1] = "250 " + lines[lines.count - 1].dropFirst(4)
            reply(context, lines.joined(separator: "\r\n"))
        } else if upper == "STARTTLS", let tls = options.tls, !overTLS {
            reply(context, "220 Ready to start TLS" + (options.injectedAfterSTARTTLS.map { "\r\n" + $0 } ?? ""))
            overTLS = true
            user = nil
            // Added after the 220 is flushed and before the client's handshake can arrive.
            try? context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first)
        } else if upper.hasPrefix("AUTH ") {
            startAuth(line, context)
        } else if upper.hasPrefix("MAIL FROM:") {
            if options.username != nil && user == nil { reply(context, "530 Authentication required"); return }
            current.from = address(line); reply(context, "250 OK")
        }
        else if upper.hasPrefix("RCPT TO:") { current.to.append(address(line)); reply(context, "250 OK") }
        else if upper == "DATA" { inData = true; reply(context, "354 End data with <CR><LF>.<CR><LF>") }
        else if upper == "QUIT" {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "221 Bye\r\n"))).whenComplete { _ in context.close(promise: nil) }
        }
        else if upper == "RSET" || upper == "NOOP" { reply(context, "250 OK") }
        else { box.sink?.refused(line); reply(context, "502 Command not implemented") }
    }

    private func startAuth(_ line: String, _ context: ChannelHandlerContext) {
        guard offersAuth else { box.sink?.refused(line); reply(context, "538 Encryption required for authentication"); return }
        let words = line.split(separator: " ").map(String.init)
        let mechanism = words.count > 1 ? words[1].uppercased() : ""
        guard options.mechanisms.contains(mechanism) else {
            box.sink?.refused(line); reply(context, "504 Unrecognized authentication type"); return
        }
        switch mechanism {
        case "PLAIN" where words.count > 2: continueAuth(.plain, words[2], context)
        case "PLAIN": auth = .plain; reply(context, "334 ")
        case "LOGIN": auth = .loginUser; reply(context, "334 VXNlcm5hbWU6")
        default: box.sink?.refused(line); reply(context, "504 Unrecognized authentication type")
        }
    }

    private func continueAuth(_ step: AuthStep, _ line: String, _ context: ChannelHandlerContext) {
        auth = nil
        let decoded = Data(base64Encoded: line).map { String(decoding: $0, as: UTF8.self) }
        switch step {
        case .loginUser:
            auth = .loginPassword(decoded ?? "")
            reply(context, "334 UGFzc3dvcmQ6")
        case .loginPassword(let name):
            finishAuth(name, decoded, context)
        case .plain:
            let parts = decoded?.split(separator: "\0", omittingEmptySubsequences: false).map(String.init) ?? []
            finishAuth(parts.count == 3 ? parts[1] : "", parts.count == 3 ? parts[2] : nil, context)
        }
    }

    private func finishAuth(_ name: String, _ password: String?, _ context: ChannelHandlerContext) {
        if name == options.username && password == options.password {
            user = name
            reply(context, "235 Authentication successful")
        } else {
            box.sink?.refused("AUTH as \(name)")
            reply(context, "535 Authentication credentials invalid")
        }
    }

    private func address(_ line: String) -> String {
        guard let open = line.firstIndex(of: "<"), let close = line.lastIndex(of: ">"), open < close else { return "" }
        return String(line[line.index(after: open)..<close])
    }

    private func reply(_ context: ChannelHandlerContext, _ text: String) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text + "\r\n")), promise: nil)
    }
}
