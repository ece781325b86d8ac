import CrescentLua
import Foundation

/// A plugin folder read from disk: its manifest, its Lua source and its sample messages.
public struct ChannelPlugin: Sendable {
    public var folder: String
    public var manifest: PluginManifest
    public var source: String
    /// `plugins/<name>/plugin.lua`, the chunk name errors carry.
    public var chunkName: String
    public var fixtures: [ChannelMessage]
}

/// Every problem found while loading a plugin, each naming its file and key.
public struct PluginLoadError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]
    public init(problems: [String]) { self.problems = problems }
    public var description: String { problems.joined(separator: "\n") }
}

/// Reads and validates `plugins/<name>/` folders.
///
/// For example:
/// ```swift
/// let plugin = try PluginLoader.load(folder: "plugins/sms")
/// ```
/// - throws: `PluginLoadError` listing every problem, e.g.
///   `plugins/sms/manifest.toml: rate_limit.per_second: must be a positive number`.
public enum PluginLoader {
    public static func load(folder: String) throws(PluginLoadError) -> ChannelPlugin {
        let dir = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        let manifestPath = dir + "/manifest.toml", luaPath = dir + "/plugin.lua", fixturesPath = dir + "/fixtures.json"
        var problems: [String] = []
        var manifest: PluginManifest?
        if let text = read(manifestPath) {
            let (parsed, list) = parseManifest(text)
            manifest = parsed
            problems += list.map { "\(manifestPath): \($0.key): \($0.message)" }
        } else {
            problems.append("\(manifestPath): cannot be read (missing or not UTF-8)")
        }
        let source = read(luaPath)
        if source == nil { problems.append("\(luaPath): cannot be read (missing or not UTF-8)") }
        var fixtures: [ChannelMessage] = []
        if let text = read(fixturesPath) {
            do { fixtures = try JSONDecoder().decode([ChannelMessage].self, from: Data(text.utf8)) }
            catch { problems.append("\(fixturesPath): \(describe(error))") }
        }
        if let manifest, manifest.name != URL(fileURLWithPath: dir).lastPathComponent {
            problems.append("\(manifestPath): name: \"\(manifest.name)\" must match the folder name \"\(URL(fileURLWithPath: dir).lastPathComponent)\"")
        }
        guard problems.isEmpty, let manifest, let source else { throw PluginLoadError(problems: problems) }
        return ChannelPlugin(folder: dir, manifest: manifest, source: source, chunkName: luaPath, fixtures: fixtures)
    }

    /// Validates manifest text; every problem is returned with its dotted key.
    public static func parseManifest(_ text: String) -> (PluginManifest?, [ManifestProblem]) {
        let doc: [String: LuaValue]
        do { doc = try TOMLConversion.parse(text) }
        catch let problem as ManifestProblem { return (nil, [problem]) }
        catch { return (nil, [ManifestProblem(key: "(document)", message: "\(error)")]) }
        var parser = ManifestParser()
        let manifest = parser.parse(doc)
        return (manifest, parser.problems)
    }

    private static func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).flatMap { String(data: $0, encoding: .utf8) }
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let ctx):
            return "\(path(ctx.codingPath)).\(key.stringValue): is required"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx),
             DecodingError.dataCorrupted(let ctx):
            return "\(path(ctx.codingPath)): \(ctx.debugDescription)"
        default: return "not valid JSON: \(error)"
        }
    }

    private static func path(_ keys: [CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
