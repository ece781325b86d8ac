import ArgumentParser
import Foundation

/// `--format text|json`: what a person reads, or what a program parses (on stdout).
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json

    /// Pretty JSON with sorted keys and snake_case names, so output is stable to diff.
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
