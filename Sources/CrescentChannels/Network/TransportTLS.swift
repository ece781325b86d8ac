import NIOCore
import NIOSSL

/// TLS for the plugin transports (HTTPS, SMTP STARTTLS): always full certificate and host name
/// verification against the system's roots. There is no switch to turn verification off.
///
/// Tests that run a local TLS server with a self-signed CA add that CA through the internal
/// ``init(additionalRoots:)``; it is reachable only from `@testable` code, never from a
/// manifest, settings or the command line.
final class TransportTLS: @unchecked Sendable {
    static let system = TransportTLS(additionalRoots: [])

    let context: Result<NIOSSLContext, Error>

    init(additionalRoots: [NIOSSLCertificate]) {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .fullVerification
        if !additionalRoots.isEmpty { configuration.additionalTrustRoots = [.certificates(additionalRoots)] }
        context = Result { try NIOSSLContext(configuration: configuration) }
    }

    /// Adds a client handler that verifies the peer's certificate for `host` (SNI set to it).
    /// Call on the channel's event loop.
    static func addClientHandler(_ context: NIOSSLContext, host: String, to pipeline: ChannelPipeline.SynchronousOperations,
                                 position: ChannelPipeline.SynchronousOperations.Position = .last) throws {
        try pipeline.addHandler(NIOSSLClientHandler(context: context, serverHostname: host), position: position)
    }
}
