import CrescentCore
import Foundation
import Hummingbird

/// A refused request: a 4xx (or 503) whose JSON body says what is wrong and where.
///
/// ```json
/// {"error": "record 2: field \"member_id\": is required", "field": "member_id", "record": 2}
/// ```
public struct APIError: HTTPResponseError, Equatable {
    public var status: HTTPResponse.Status
    public var message: String
    /// The offending field, when one is to blame.
    public var field: String?
    /// 1-based position of the offending record in a batch.
    public var record: Int?
    /// A short stable code for metrics (`bad_json`, `unknown_field`, `unauthorized`, …).
    public var reason: String

    public init(_ status: HTTPResponse.Status, _ reason: String, _ message: String, field: String? = nil, record: Int? = nil) {
        self.status = status; self.reason = reason; self.message = message; self.field = field; self.record = record
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body = "{\"error\":" + jsonQuoted(message)
        if let field { body += ",\"field\":" + jsonQuoted(field) }
        if let record { body += ",\"record\":\(record)" }
        body += "}"
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
