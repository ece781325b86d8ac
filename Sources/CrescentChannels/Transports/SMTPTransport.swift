import CrescentLua
import Foundation

/// `smtp.send{ from, to, subject, body, headers }` → `{ status = 250, reply = "..." }`.
///
/// The server is the plugin's `config.smtp_url` (`smtp://host:port`), which must be allow-listed;
/// the script cannot point the transport anywhere else. `config.smtp_username` and
/// `config.smtp_password`, when both set, are sent with AUTH PLAIN or LOGIN, only after STARTTLS.
/// Addresses, the subject and header names and values are checked byte by byte: CR, LF or NUL
/// never reach the dialogue or the message head.
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
        guard let from = args["from"]?.stringValue, WireText.isMailbox(from) else {
            throw transportError(env, "smtp.send: from must be one e-mail address (no spaces, <, >, CR or LF)")
        }
        let to = args["to"]?.stringValue.map { [$0] } ?? args["to"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard !to.isEmpty, to.count <= 100, to.allSatisfy(WireText.isMailbox) else {
            throw transportError(env, "smtp.send: to must be an e-mail address or a list of up to 100 (no spaces, <, >, CR or LF)")
        }
        let subject = args["subject"]?.stringValue ?? ""
        guard WireText.isFieldValue(subject) else { throw HostError("smtp.send: subject must be one line (no CR, LF or control bytes)") }

        var head = ["From: <\(from)>", "To: " + to.map { "<\($0)>" }.joined(separator: ", "), "Subject: \(subject)",
                    "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8"]
        if let key = env.current?.message.idempotencyKey, WireText.isFieldValue(key) { head.append("Message-ID: <\(key)@crescent>") }
        for (name, value) in (args["headers"]?.tableValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard WireText.isMailHeaderName(name) else {
                throw transportError(env, "smtp.send: header name \(LuaValue.string(String(name.prefix(80)))) must be printable ASCII without spaces, colons, CR or LF")
            }
            guard let v = value.stringValue, WireText.isFieldValue(v) else {
                throw HostError("smtp.send: header \(name) must be a one-line string (no CR, LF or control bytes)")
            }
            head.append("\(name): \(v)")
        }
        let data = head.joined(separator: "\r\n") + "\r\n\r\n" + (args["body"]?.stringValue ?? "")
        let (deadline, _) = try env.callDeadline("smtp.send")
        let client = SMTPClient(host: host, port: port, policy: env.addresses, tls: env.tls,
                                credentials: credentials(env), deadline: deadline)
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
            case .refused(let m): throw transportError(env, "smtp.send: \(m)")
            case .rejected(let code, let line):
                // 4yz replies are transient in SMTP, 5yz permanent: map them onto the HTTP classes.
                env.current?.lastHTTPStatus = code >= 500 ? 400 : 503
                throw transportError(env, "smtp.send to \(host): server replied \(line)")
            }
        }
    }

    /// `config.smtp_username` and `config.smtp_password`, when both are set.
    private static func credentials(_ env: TransportEnvironment) -> SMTPClient.Credentials? {
        guard let user = env.config["smtp_username"]?.stringValue, !user.isEmpty,
              let password = env.config["smtp_password"]?.stringValue, !password.isEmpty else { return nil }
        return SMTPClient.Credentials(username: user, password: password)
    }
}
