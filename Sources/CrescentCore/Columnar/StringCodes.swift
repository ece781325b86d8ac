/// Strings interned as small integer codes, so columns hold `Int32`s and filters compare integers.
///
/// For example:
/// ```swift
/// var cities = StringCodes()
/// cities.code("Shanghai")   // 0
/// cities.code("Beijing")    // 1
/// cities.code("Shanghai")   // 0 again
/// cities.name(1)            // "Beijing"
/// ```
public struct StringCodes: Sendable, Equatable {
    public private(set) var names: [String] = []
    private var codes: [String: Int32] = [:]

    public init() {}

    public init(_ names: [String]) { for n in names { _ = code(n) } }

    public var count: Int { names.count }

    /// The code of `name`, interning it on first sight.
    @inline(__always)
    public mutating func code(_ name: String) -> Int32 {
        if let c = codes[name] { return c }
        let c = Int32(names.count)
        names.append(name)
        codes[name] = c
        return c
    }

    /// The code of `name` when it was interned, else nil (a filter on it matches nobody).
    public func existingCode(_ name: String) -> Int32? { codes[name] }

    public func name(_ code: Int32) -> String { names[Int(code)] }
}
