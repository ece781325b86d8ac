import Foundation
import NIOCore

/// A minimal SMTP client: EHLO, STARTTLS when the server offers it, AUTH PLAIN or LOGIN when
/// credentials are set, MAIL FROM, RCPT TO, DATA (dot-stuffed), QUIT. It runs on the plugin's
/// worker thread and blocks; the whole dialogue ends by `deadline`.
///
/// Credentials are never sent in the clear: with credentials, a server that does not offer
/// STARTTLS (or whose certificate does not verify) is refused before AUTH.
struct SMTPClient {
    enum Failure: Error { case timeout(String), connection(String), rejected(Int, String), refused(String) }

    struct Credentials { var username: String; var password: String }

    let host: String
    let port: Int
    let policy: AddressPolicy
    let tls: TransportTLS
    let credentials: Credentials?
    let deadline: NIODeadline

    /// Sends one message and returns the server's reply to the end of DATA (e.g. `250 queued as 7`).
    func send(from: String, to: [String], data: String) throws -> String {
        do { return try dialogue(from: from, to: to, data: data) }
        catch let failure as ConnectFailure {
            switch failure {
            case .refused(let m): throw Failure.refused(m)
            case .timeout(let m): throw Failure.timeout(m)
            case .connection(let m): throw Failure.connection(m)
            }
        } catch let failure as LineFailure {
            switch failure {
            case .timeout: throw Failure.timeout("no reply in time")
            case .connection(let m): throw Failure.connection(m)
            }
        }
    }

    private func dialogue(from: String, to: [String], data: String) throws -> String {
        let wire = try LineConnection(host: host, port: port, policy: policy, deadline: deadline)
        _ = try expect(wire, 220)
        var capabilities = try hello(wire)
        var secured = false
        if capabilities.contains(where: { $0.uppercased() == "STARTTLS" }) {
            try command(wire, "STARTTLS"); _ = try expect(wire, 220)
            do { try wire.startTLS(host: host, tls: tls) } catch { throw Failure.refused("STARTTLS with \(host) failed: \(error)") }
            capabilities = try hello(wire)
            secured = true
        }
        if let credentials {
            guard secured else {
                throw Failure.refused("\(host) does not offer STARTTLS; the SMTP credentials are not sent in the clear")
            }
            try authenticate(wire, credentials, capabilities: capabilities)
        }
        try command(wire, "MAIL FROM:<\(from)>"); _ = try expect(wire, 250)
        for rcpt in to { try command(wire, "RCPT TO:<\(rcpt)>"); _ = try expect(wire, 250) }
        try command(wire, "DATA"); _ = try expect(wire, 354)
        try wire.write(Self.dotStuffed(data) + Array(".\r\n".utf8))
        let reply = try expect(wire, 250)
        // The message is accepted; a failed goodbye changes nothing.
        if (try? command(wire, "QUIT")) != nil { _ = try? expect(wire, 221) }
        return reply
    }

    /// EHLO and the extension keywords of its reply (`STARTTLS`, `AUTH PLAIN LOGIN`, …).
    private func hello(_ wire: LineConnection) throws -> [String] {
        try command(wire, "EHLO crescent.local")
        return try expectLines(wire, 250).dropFirst().map { String($0.dropFirst(4)) }
    }

    private func authenticate(_ wire: LineConnection, _ c: Credentials, capabilities: [String]) throws {
        let offered = capabilities.first { $0.uppercased().hasPrefix("AUTH ") }?.uppercased()
            .split(separator: " ").dropFirst().map(String.init) ?? []
        let b64 = { (s: String) in Data(s.utf8).base64EncodedString() }
        if offered.contains("PLAIN") {
            try command(wire, "AUTH PLAIN " + b64("\0\(c.username)\0\(c.password)"))
        } else if offered.contains("LOGIN") {
            try command(wire, "AUTH LOGIN"); _ = try expect(wire, 334)
            try command(wire, b64(c.username)); _ = try expect(wire, 334)
            try command(wire, b64(c.password))
        } else {
            throw Failure.refused("\(host) offers no AUTH PLAIN or LOGIN (offered: \(offered.joined(separator: " ")))")
        }
        _ = try expect(wire, 235)
    }

    /// CRLF line endings (a bare CR or LF also ends a line, so none reaches the wire alone),
    /// and a leading "." doubled on every line, as RFC 5321 §4.5.2 asks.
    static func dotStuffed(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        var atLineStart = true, previousCR = false
        for byte in text.utf8 {
            if byte == 0x0A && previousCR { previousCR = false; continue }
            previousCR = byte == 0x0D
            if byte == 0x0D || byte == 0x0A { out += [0x0D, 0x0A]; atLineStart = true; continue }
            if atLineStart && byte == 0x2E { out.append(0x2E) }
            out.append(byte)
            atLineStart = false
        }
        if !atLineStart || out.isEmpty { out += [0x0D, 0x0A] }
        return out
    }

    private func command(_ wire: LineConnection, _ line: String) throws {
        // Callers pass checked values; this is the last line of defence against a new command.
        guard !WireText.breaksLine(line) else { throw Failure.refused("an SMTP command may not contain CR, LF or NUL") }
        try wire.write(Array((line + "\r\n").utf8))
    }

    /// Reads a (possibly multi-line) reply, checks its code and returns its last line.
    private func expect(_ wire: LineConnection, _ code: Int) throws -> String {
        try expectLines(wire, code).last!
    }

    private func expectLines(_ wire: LineConnection, _ code: Int) throws -> [String] {
        var lines: [String] = []
        while true {
            let line = try wire.readLine()
            guard line.utf8.count >= 3, let got = Int(line.prefix(3)) else { throw Failure.connection("not an SMTP reply: \(line.prefix(200))") }
            lines.append(line)
            if line.utf8.count > 3, line.utf8[line.utf8.index(line.utf8.startIndex, offsetBy: 3)] == UInt8(ascii: "-") {
                guard lines.count < 100 else { throw Failure.connection("SMTP reply longer than 100 lines") }
                continue
            }
            guard got == code else { throw Failure.rejected(got, line) }
            return lines
        }
    }
}
