import Foundation

/// The built `crescent` CLI, for the tests that run it as a real process (kill tests, CLI
/// round trips): beside the test bundle, else `.build/debug/crescent` under the package root.
public enum BuiltCLI {
    public static var path: String? {
        var candidates = [Bundle.main.bundleURL.appendingPathComponent("crescent").path,
                          Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("crescent").path]
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                candidates.append(url.appendingPathComponent(".build/debug/crescent").path)
                break
            }
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
