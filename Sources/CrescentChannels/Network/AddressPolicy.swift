import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address as bytes (4 or 16).
struct IPAddress: Equatable, Sendable, CustomStringConvertible {
    let bytes: [UInt8]

    init?(_ text: String) {
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    var isV4: Bool { bytes.count == 4 }

    /// The IPv4 address an IPv6 one carries (mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`,
    /// 6to4 `2002:ab:cd::`), which is where the packets really go.
    var embeddedV4: IPAddress? {
        guard bytes.count == 16 else { return nil }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return IPAddress(bytes: Array(bytes[12...])) }
        if bytes[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return IPAddress(bytes: Array(bytes[12...])) }
        if bytes[0] == 0x20 && bytes[1] == 0x02 { return IPAddress(bytes: Array(bytes[2..<6])) }
        return nil
    }

    var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var copy = bytes
        let family = isV4 ? AF_INET : AF_INET6
        return inet_ntop(family, &copy, &buffer, socklen_t(buffer.count)) != nil ? String(cString: buffer) : "?"
    }
}

/// An address block such as `10.0.0.0/8`, `fd00::/8` or a single address.
struct AddressBlock: Equatable, Sendable {
    let base: IPAddress
    let prefix: Int

    /// `text` is an address or `address/prefix`.
    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let base = IPAddress(String(parts[0])) else { return nil }
        let bits = base.bytes.count * 8
        if parts.count == 2 {
            guard let p = Int(parts[1]), (0...bits).contains(p) else { return nil }
            prefix = p
        } else {
            prefix = bits
        }
        self.base = base
    }

    func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == base.bytes.count else { return false }
        var left = prefix
        for (a, b) in zip(address.bytes, base.bytes) where left > 0 {
            let mask: UInt8 = left >= 8 ? 0xFF : ~(0xFF >> UInt8(left))
            if a & mask != b & mask { return false }
            left -= 8
        }
        return true
    }
}

/// Which addresses a plugin's transports may connect to, decided on the resolved address
/// (and again on the connected one), not on the name: a public-looking host name can resolve
/// to 127.0.0.1, 10.x or the cloud metadata service.
///
/// Private, loopback, link-local (the metadata service 169.254.169.254 among them), unique
/// local, multicast and reserved addresses are refused unless the manifest lists them in
/// `allowed_private_addresses` (an address or a block, e.g. `"10.1.0.0/16"`).
struct AddressPolicy: Sendable {
    let allowed: [AddressBlock]

    static let restricted: [(AddressBlock, String)] = [
        ("0.0.0.0/8", "an unspecified"), ("10.0.0.0/8", "a private"), ("100.64.0.0/10", "a shared (carrier NAT)"),
        ("127.0.0.0/8", "a loopback"), ("169.254.169.254/32", "the cloud metadata service's"),
        ("169.254.0.0/16", "a link-local"), ("172.16.0.0/12", "a private"), ("192.0.0.0/24", "an IETF protocol"),
        ("192.168.0.0/16", "a private"), ("198.18.0.0/15", "a benchmarking"), ("224.0.0.0/4", "a multicast"),
        ("240.0.0.0/4", "a reserved"), ("::/128", "an unspecified"), ("::1/128", "a loopback"),
        ("fd00:ec2::254/128", "the cloud metadata service's"), ("fc00::/7", "a unique local (private)"),
        ("fe80::/10", "a link-local"), ("ff00::/8", "a multicast"),
    ].map { (AddressBlock($0.0)!, $0.1) }

    /// Why `address` may not be reached, or nil when it may.
    func refusal(_ address: IPAddress) -> String? {
        if allowed.contains(where: { $0.contains(address) }) { return nil }
        if let inner = address.embeddedV4, let why = refusal(inner) { return why }
        guard let (_, kind) = Self.restricted.first(where: { $0.0.contains(address) }) else { return nil }
        return "\(address), \(kind) address"
    }
}
