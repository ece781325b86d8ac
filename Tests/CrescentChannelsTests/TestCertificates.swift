@testable import CrescentChannels
import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// A throwaway certificate authority and a server certificate for `localhost` it signed,
/// made fresh in memory for the TLS tests (nothing on disk, nothing to expire in the repo).
struct TestCertificates {
    let ca: NIOSSLCertificate
    let serverContext: NIOSSLContext

    /// - parameter name: the DNS name the server certificate is for.
    init(name: String = "localhost") throws {
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName { CommonName("Crescent Test CA \(UUID().uuidString.prefix(8))") }
        let now = Date()
        let caCert = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(caKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 3600, issuer: caName, subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: .init(caKey))
        let serverKey = P256.Signing.PrivateKey()
        let serverCert = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(serverKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 3600, issuer: caName,
            subject: try DistinguishedName { CommonName(name) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                SubjectAlternativeNames([.dnsName(name)])
                try ExtendedKeyUsage([.serverAuth])
            },
            issuerPrivateKey: .init(caKey))
        ca = try NIOSSLCertificate(bytes: Self.der(caCert), format: .der)
        let chain = try NIOSSLCertificate(bytes: Self.der(serverCert), format: .der)
        let key = try NIOSSLPrivateKey(bytes: Array(serverKey.derRepresentation), format: .der)
        serverContext = try NIOSSLContext(configuration: .makeServerConfiguration(
            certificateChain: [.certificate(chain)], privateKey: .privateKey(key)))
    }

    /// Client trust that adds this CA to the system roots, as only tests may.
    var clientTrust: TransportTLS { TransportTLS(additionalRoots: [ca]) }

    private static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }
}
