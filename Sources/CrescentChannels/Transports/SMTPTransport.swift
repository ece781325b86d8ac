import CrescentLua
import Foundation

/// `smtp.send{ from, to, subject, body, headers }` → `{ status = 250, reply = "..." }`.
///
/// The server is the plugin's `config.smtp_url` (`smtp://host:port`), which must be allow-listed;
/// the script cannot point the transport anywhere else.
enum SMTPTransport {
    static func function(_ env: TransportEnvironment) -> HostFunction {
        { call in [try send(env, try call.table(1, "smtp.send's argument"))] }
    }

    static func send(_ env: TransportEnvironment, _ args: [String: LuaValue]) throws -> LuaValue {
        for key in args.keys where !["from", "to", "subject", "body", "headers"].contains(key) {
            throw HostError("smtp.send: unknown field \"\(key)\"")
        }
        guard let urlText = env.config["smtp_url"]?.stringValue, let url = URL(string: urlText), let host = url.host else {
            throw HostError("smtp.send: the plugin needs a config.smtp_url such as smtp://mail.example.com:25")
        }
        let port = url.port ?? 25
        try env.checkAllowed(host: host, port: port, transport: "smtp.send")
        guard let from = args["from"]?.stringValue, isAddress(from) else { throw HostError("smtp.send: from must be an e-mail address") }
        let to = args["to"]?.stringValue.map { [$0] } ?? args["to"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard !to.isEmpty, to.allSatisfy(isAddress) else { throw HostError("smtp.send: to must be an e-mail address or a list of them") }
        let subject = args["subject"]?.stringValue ?? ""
        guard !subject.contains("\n"), !subject.contains("\r") else { throw HostError("smtp.send: subject must be one line") }

        var head = ["From: <\(from)>", "To: " + to.map { "<\($0)>" }.joined(separator: ", "), "Subject: \(subject)",
                    "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8"]
        if let key = env.current?.message.idempotencyKey { head.append("Message-ID: <\(key)@crescent>") }
        for (name, value) in (args["headers"]?.tableValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let v = value.stringValue, !v.contains("\n"), !name.contains(":") else {
                throw HostError("smtp.send: header \(name) must be a one-line string")
            }
            head.append("\(name): \(v)")
        }
        let data = head.joined(separator: "\r\n") + "\r\n\r\n" + (args["body"]?.stringValue ?? "")
        let client = SMTPClient(host: host, port: port, timeoutMs: env.requestTimeoutMs)
        do {
            let reply = try client.send(from: from, to: to, data: data)
            env.current?.lastFailure = nil
            env.current?.lastHTTPStatus = 250
            return .table(["status": .int(250), "reply": .string(reply)])
        } catch {
            guard let failure = error as? SMTPClient.Failure else { throw transportError(env, "smtp.send to \(host): \(error)") }
            switch failure {
            case .timeout(let m): env.current?.lastFailure = .timeout; throw transportError(env, "smtp.send to \(host): \(m)")
            case .connection(let m): env.current?.lastFailure = .connection; throw transportError(env, "smtp.send to \(host): \(m)")
            case .rejected(let code, let line):
                // 4yz replies are transient in SMTP, 5yz permanent: map them onto the HTTP classes.
                env.current?.lastHTTPStatus = code >= 500 ? 400 : 503
                throw transportError(env, "smtp.send to \(host): server replied \(line)")
            }
        }
    }

    private static func isAddress(_ s: String) -> Bool {
        s.contains("@") && !s.contains(where: { $0 == "<" || $0 == ">" || $0 == "\r" || $0 == "\n" || $0 == " " })
    }
}
