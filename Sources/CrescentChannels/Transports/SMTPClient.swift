import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal blocking SMTP client over a plain TCP socket: EHLO, MAIL FROM, RCPT TO, DATA
/// (with dot-stuffing), QUIT. It runs on the plugin's worker thread, so blocking is fine;
/// every read and write has the manifest's request timeout.
struct SMTPClient {
    enum Failure: Error { case timeout(String), connection(String), rejected(Int, String) }

    let host: String
    let port: Int
    let timeoutMs: Int

    /// Sends one message and returns the server's reply to the end of DATA (e.g. `250 queued as 7`).
    func send(from: String, to: [String], data: String) throws -> String {
        let fd = try connect()
        defer { close(fd) }
        var reader = LineReader(fd: fd)
        _ = try expect(&reader, 220)
        try command(fd, "EHLO crescent.local"); _ = try expect(&reader, 250)
        try command(fd, "MAIL FROM:<\(from)>"); _ = try expect(&reader, 250)
        for rcpt in to { try command(fd, "RCPT TO:<\(rcpt)>"); _ = try expect(&reader, 250) }
        try command(fd, "DATA"); _ = try expect(&reader, 354)
        try write(fd, Self.dotStuffed(data) + ".\r\n")
        let reply = try expect(&reader, 250)
        try? command(fd, "QUIT")
        _ = try? expect(&reader, 221)
        return reply
    }

    /// CRLF line endings, and a leading "." doubled on every line, as RFC 5321 §4.5.2 asks.
    static func dotStuffed(_ text: String) -> String {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        return lines.map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n") + "\r\n"
    }

    private func connect() throws -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var info: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &info) == 0, let first = info else {
            throw SMTPClient.Failure.connection("cannot resolve \(host)")
        }
        defer { freeaddrinfo(info) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { throw SMTPClient.Failure.connection("cannot open a socket") }
        var tv = timeval(tv_sec: timeoutMs / 1000, tv_usec: Int(timeoutMs % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        guard Glibc.connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw SMTPClient.Failure.connection("cannot connect to \(host):\(port): \(reason)")
        }
        return fd
    }

    private func command(_ fd: Int32, _ line: String) throws { try write(fd, line + "\r\n") }

    private func write(_ fd: Int32, _ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { throw errno == EAGAIN ? SMTPClient.Failure.timeout("write timed out") : .connection("connection closed while writing") }
            sent += n
        }
    }

    /// Reads a (possibly multi-line) reply and checks its code.
    private func expect(_ reader: inout LineReader, _ code: Int) throws -> String {
        while true {
            let line = try reader.line()
            guard line.count >= 3, let got = Int(line.prefix(3)) else { throw SMTPClient.Failure.connection("not an SMTP reply: \(line)") }
            if line.count > 3, line[line.index(line.startIndex, offsetBy: 3)] == "-" { continue }
            guard got == code else { throw SMTPClient.Failure.rejected(got, line) }
            return line
        }
    }
}

/// Reads CRLF-terminated lines from a socket.
struct LineReader {
    let fd: Int32
    private var buffer: [UInt8] = []
    init(fd: Int32) { self.fd = fd }

    mutating func line() throws -> String {
        while true {
            if let nl = buffer.firstIndex(of: 10) {
                let line = buffer[..<nl].last == 13 ? buffer[..<(nl - 1)] : buffer[..<nl]
                defer { buffer.removeFirst(nl + 1) }
                return String(decoding: line, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0, errno == EAGAIN || errno == EWOULDBLOCK { throw SMTPClient.Failure.timeout("no reply in time") }
            if n <= 0 { throw SMTPClient.Failure.connection("connection closed by the server") }
            buffer += chunk[..<n]
            if buffer.count > 1 << 20 { throw SMTPClient.Failure.connection("reply line too long") }
        }
    }
}
