import Foundation
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Why a transport's connection failed; the dispatcher retries timeouts and connection errors,
/// never a refusal.
enum ConnectFailure: Error, CustomStringConvertible {
    /// The address policy or the allow list said no: retrying would not help.
    case refused(String)
    case timeout(String)
    case connection(String)

    var description: String {
        switch self { case .refused(let m), .timeout(let m), .connection(let m): m }
    }
}

/// Opens TCP connections for the transports: resolves the host, refuses the connection when any
/// of its addresses is one the ``AddressPolicy`` forbids, connects to the checked address itself
/// (so a second lookup cannot answer differently) and checks the connected peer once more.
enum GuardedConnector {
    /// - parameter deadline: the whole connection attempt ends by then.
    /// - parameter initializer: adds the protocol handlers to the new channel.
    static func connect(host: String, port: Int, policy: AddressPolicy, deadline: NIODeadline,
                        initializer: @escaping @Sendable (Channel) -> EventLoopFuture<Void>) throws -> Channel {
        let addresses = try resolve(host: host, port: port, deadline: deadline)
        for address in addresses {
            if let why = policy.refusal(address.ip) {
                throw ConnectFailure.refused("\(host) resolves to \(why); list it in allowed_private_addresses to allow it")
            }
        }
        var lastError = "no address"
        for address in addresses {
            let left = deadline - .now()
            guard left > .zero else { throw ConnectFailure.timeout("connecting to \(host):\(port) timed out") }
            let future = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(left)
                .channelInitializer(initializer)
                .connect(to: address.socket)
            do {
                let channel = try future.wait()
                guard let peer = channel.remoteAddress?.ipAddress.flatMap(IPAddress.init),
                      peer == address.ip, policy.refusal(peer) == nil else {
                    channel.close(promise: nil)
                    throw ConnectFailure.refused("\(host): the connected peer is not the checked address \(address.ip)")
                }
                return channel
            } catch let failure as ConnectFailure {
                throw failure
            } catch ChannelError.connectTimeout {
                throw ConnectFailure.timeout("connecting to \(host):\(port) timed out")
            } catch {
                lastError = "\(error)"
            }
        }
        if deadline - .now() <= .zero { throw ConnectFailure.timeout("connecting to \(host):\(port) timed out") }
        throw ConnectFailure.connection("cannot connect to \(host):\(port): \(lastError)")
    }

    struct Resolved { let ip: IPAddress; let socket: SocketAddress }

    /// ``resolve(host:port:)`` bounded by `deadline`: `getaddrinfo` cannot be cancelled, so it
    /// runs on a thread of its own and a slow resolver is a timeout for the caller (the lookup
    /// finishes in the background and is dropped).
    static func resolve(host: String, port: Int, deadline: NIODeadline) throws -> [Resolved] {
        let done = DispatchSemaphore(value: 0)
        let box = LookupBox()
        DispatchQueue.global().async {
            box.result = Result { try resolve(host: host, port: port) }
            done.signal()
        }
        let left = max(0, (deadline - .now()).nanoseconds)
        guard done.wait(timeout: .now() + .nanoseconds(Int(left))) == .success, let result = box.result else {
            throw ConnectFailure.timeout("resolving \(host) timed out")
        }
        return try result.get()
    }

    /// Every address of `host` (a literal address resolves to itself), without duplicates.
    static func resolve(host: String, port: Int) throws -> [Resolved] {
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var info: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, String(port), &hints, &info) == 0, let first = info else {
            throw ConnectFailure.connection("cannot resolve \(name)")
        }
        defer { freeaddrinfo(info) }
        var out: [Resolved] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let entry = next {
            next = entry.pointee.ai_next
            guard let sa = entry.pointee.ai_addr else { continue }
            let socket: SocketAddress
            switch Int32(sa.pointee.sa_family) {
            case AF_INET: socket = SocketAddress(sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }, host: name)
            case AF_INET6: socket = SocketAddress(sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee }, host: name)
            default: continue
            }
            guard let ip = socket.ipAddress.flatMap(IPAddress.init), !out.contains(where: { $0.ip == ip }) else { continue }
            out.append(Resolved(ip: ip, socket: socket))
        }
        guard !out.isEmpty else { throw ConnectFailure.connection("cannot resolve \(name)") }
        return out
    }
}

/// Hands a lookup's result from the resolver thread to the waiting one (the semaphore orders them).
private final class LookupBox: @unchecked Sendable {
    var result: Result<[GuardedConnector.Resolved], Error>?
}
