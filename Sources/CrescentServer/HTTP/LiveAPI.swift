import CrescentCore
import CrescentStore
import Foundation
import Hummingbird

/// The HTTP API of `crescent serve`.
///
/// | Method | Path | What |
/// |---|---|---|
/// | POST | /v1/events, /v1/orders, /v1/members | journal a record or a batch; 202 (200 when all were replays) |
/// | GET | /v1/events/{id} | an event's state and what it did |
/// | GET | /v1/scripts | running scripts and rejected edits |
/// | POST | /v1/scripts/reload | reload now; 422 with the problems when an edit is rejected |
/// | GET | /v1/segments?script=F | segment sizes over the live members |
/// | GET | /v1/playbooks | playbooks with issues, delivery states and suppressions |
/// | GET | /v1/members/{id}/journeys | a member's journeys and why each playbook does what it does now (token) |
/// | GET | /health, /metrics | liveness and Prometheus metrics |
struct LiveAPI {
    let engine: LiveEngine
    let journal: JournalWriter
    var metrics: ServerMetrics { engine.metrics }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("health") { _, _ in
            try json(.ok, Health(status: "ok", node: engine.configuration.lease.node, members: await engine.memberCount,
                                 pendingEvents: try engine.store.pendingEventCount(),
                                 work: Dictionary(uniqueKeysWithValues: try engine.workShares().map { ($0.key.rawValue, $0.value) })))
        }
        router.get("metrics") { _, _ in
            _ = try engine.workShares()
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.text())))
        }
        let v1 = router.group("v1").add(middleware: TokenGuard(token: engine.configuration.writeToken,
                                                               openReads: engine.configuration.openReads, metrics: metrics))
        v1.post("events") { request, _ in try await ingest(request, as: .events) }
        v1.post("orders") { request, _ in try await ingest(request, as: .orders) }
        v1.post("members") { request, _ in try await ingest(request, as: .members) }
        v1.get("events/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let status = try engine.store.eventStatus(id: id) else {
                throw APIError(.notFound, "not_found", "no event \"\(id)\"", field: "id")
            }
            return try json(.ok, EventState(id: id, state: status.state, outcome: status.outcome))
        }
        v1.get("scripts") { _, _ in try json(.ok, await engine.scriptStatus()) }
        v1.post("scripts/reload") { _, _ in
            let report = await engine.reloadScripts()
            return try json(report.rejected.isEmpty ? .ok : .unprocessableContent, ReloadBody(report))
        }
        v1.get("segments") { request, _ in
            guard let script = request.uri.queryParameters.get("script") else {
                throw APIError(.badRequest, "missing_parameter", "add ?script=<file>.lua", field: "script")
            }
            guard let sizes = try await engine.segmentSizes(script: script) else {
                let files = await engine.scriptStatus().filter(\.running).map(\.file)
                let hint = closest(to: script, in: files).map { ", did you mean \"\($0)\"?" } ?? ""
                throw APIError(.notFound, "not_found", "no running script \"\(script)\"\(hint)", field: "script")
            }
            return try json(.ok, sizes)
        }
        v1.get("playbooks") { _, _ in try json(.ok, try await engine.playbookStatus()) }
        // A member's data: needs the token even though it is a read.
        v1.get("members/:id/journeys") { request, context in
            try TokenGuard<BasicRequestContext>.authorize(request, token: engine.configuration.writeToken)
            let text = try context.parameters.require("id")
            guard let id = Int64(text) else { throw APIError(.badRequest, "bad_parameter", "member id \"\(text)\" is not a number", field: "id") }
            guard let body = try await engine.memberJourneys(id) else {
                throw APIError(.notFound, "not_found", "no member \(id)", field: "id")
            }
            return try json(.ok, body)
        }
        return router
    }

    /// Validates, journals and answers a write; the answer comes after the commit.
    private func ingest(_ request: Request, as kind: ImportKind) async throws -> Response {
        let started = ContinuousClock.now
        let entries = try IngestDecoder.decode(try await body(of: request), as: kind)
        let fresh: [Bool]
        do { fresh = try await journal.append(entries) } catch let conflict as JournalConflict {
            throw APIError(.conflict, "conflict", "record \(conflict.entry + 1): \(conflict)",
                           field: conflict.field, record: conflict.entry + 1)
        }
        let accepted = fresh.filter { $0 }.count
        metrics.eventsAccepted.increment(by: Int64(accepted))
        metrics.eventsDuplicate.increment(by: Int64(fresh.count - accepted))
        let duplicates = zip(entries, fresh).filter { !$0.1 }.map(\.0.eventId)
        // Written by hand: this is the hot path, and JSONEncoder costs more than the journal write.
        let body = "{\"accepted\":\(accepted),\"duplicate_ids\":[" + duplicates.map(jsonQuoted).joined(separator: ",")
            + "],\"duplicates\":\(duplicates.count)}"
        let response = Response(status: accepted > 0 ? .accepted : .ok, headers: [.contentType: "application/json"],
                                body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        metrics.ingestSeconds.record(ContinuousClock.now - started)
        return response
    }

    /// The body, refused with 413 above the configured size (by header, or while streaming).
    private func body(of request: Request) async throws -> Data {
        let limit = engine.configuration.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw APIError(.contentTooLarge, "too_large", "the body has \(length) bytes; at most \(limit)")
        }
        let seconds = engine.configuration.readTimeoutSeconds
        do {
            // A body trickled in a byte at a time stays under the idle timeout; this bounds the whole.
            let buffer = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
                group.addTask { try await request.body.collect(upTo: limit) }
                group.addTask { try await Task.sleep(for: .milliseconds(Int64(seconds * 1000))); return nil }
                let first = try await group.next()!
                group.cancelAll()
                return first
            }
            guard let buffer else {
                throw APIError(.requestTimeout, "slow_body", "the body took longer than \(seconds) s to arrive")
            }
            return Data(buffer.readableBytesView)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, "too_large", "the body has more than \(limit) bytes")
        }
    }
}

struct Health: Codable {
    var status: String
    /// This node's id (`--node`).
    var node: String
    var members: Int
    var pendingEvents: Int
    /// This node's share of each kind of shared work (`events`, `due_steps`, …).
    var work: [String: WorkShare]
}

struct EventState: Codable {
    var id: String
    var state: String
    var outcome: String?
}

struct ReloadBody: Codable {
    var loaded: [String], unchanged: [String], removed: [String], rejected: [String: String]
    init(_ r: ReloadReport) { loaded = r.loaded; unchanged = r.unchanged; removed = r.removed; rejected = r.rejected }
}

/// A JSON response with snake_case keys.
func json(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = .sortedKeys
    return Response(status: status, headers: [.contentType: "application/json"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
}
