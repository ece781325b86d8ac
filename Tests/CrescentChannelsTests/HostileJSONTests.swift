@testable import CrescentChannels
import CrescentLua
import Testing

/// A gateway reply decoded by `json.decode` reaches the plugin through the bounded push:
/// a 400-deep array (it corrupted memory before) is a clean error and the plugin keeps working.
@Suite struct HostileJSONTests {
    static func sandbox() -> Sandbox {
        let box = Sandbox()
        box.setGlobal("json") { $0.pushLibrary(functions: ["encode": HostLibraries.jsonEncode, "decode": HostLibraries.jsonDecode]) }
        box.setGlobal("http") { $0.pushLibrary(functions: ["request": { _ in [.string("unused")] }]) }
        return box
    }

    @Test func aDeepReplyIsACleanErrorAndTheLibrariesSurvive() throws {
        let box = Self.sandbox()
        let reply = String(repeating: "[", count: 400) + String(repeating: "]", count: 400)
        let out = try box.run(source: """
            local ok, err = pcall(json.decode, ...)
            return ok, tostring(err), type(http.request), type(json.decode), json.encode({ a = { 1 } })
            """.replacingOccurrences(of: "...", with: "'\(reply)'"), chunkName: "reply.lua")
        #expect(out.first == .bool(false))
        #expect(out[1].stringValue?.contains("nested 400 levels deep") == true, "\(out)")
        #expect(Array(out.dropFirst(2)) == [.string("function"), .string("function"), .string("{\"a\":[1]}")])
    }

    @Test func aReplyAtTheDepthLimitDecodes() throws {
        let box = Self.sandbox()
        let reply = String(repeating: "[", count: 64) + "7" + String(repeating: "]", count: 64)
        let out = try box.run(source: """
            local v = json.decode('\(reply)')
            for _ = 1, 64 do v = v[1] end
            return v
            """, chunkName: "reply.lua")
        #expect(out == [.int(7)])
    }
}
