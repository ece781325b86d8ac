import Foundation
import Hummingbird

/// Refuses `/v1` requests without the configured bearer token, and counts every refused request.
///
/// Writes always need `Authorization: Bearer <token>`; reads (GET: event states, scripts,
/// segment sizes, playbooks) need it too unless `openReads` (they show member counts and
/// campaign plans). `/health` and `/metrics` sit outside `/v1`, so probes need no secret.
/// The comparison takes the same time whatever the token's first wrong byte.
struct TokenGuard<Context: RequestContext>: RouterMiddleware {
    let token: String?
    var openReads = false
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            if request.method != .get || !openReads { try Self.authorize(request, token: token) }
            return try await next(request, context)
        } catch let error as APIError {
            metrics.rejected(error.reason)
            throw error
        }
    }

    /// Throws 401 unless the request carries the bearer token (when one is configured);
    /// also used by reads of personal data.
    static func authorize(_ request: Request, token: String?) throws {
        guard let token else { return }
        let given = request.headers[.authorization].map { String($0) } ?? ""
        guard constantTimeEqual(given, "Bearer " + token) else {
            throw APIError(.unauthorized, "unauthorized",
                           given.isEmpty ? "this endpoint needs `Authorization: Bearer <token>`" : "the token is not valid")
        }
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) {
            diff |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return diff == 0
    }
}
