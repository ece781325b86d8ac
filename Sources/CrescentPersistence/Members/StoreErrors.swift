/// A row the store refused, e.g. a duplicate id. `index` is the position in the inserted
/// array, so importers can name the source line.
public struct StoreInsertError: Error, CustomStringConvertible {
    public var table: String
    public var index: Int
    public var message: String
    public var description: String { "\(table) row \(index + 1): \(message)" }
    public init(table: String, index: Int, message: String) { self.table = table; self.index = index; self.message = message }
}

/// A stored row the store cannot load as it is, named by table and id.
public struct StoredRowError: Error, CustomStringConvertible, Equatable {
    public var table: String
    public var id: String
    public var message: String
    public var description: String { "\(table) id \(id): \(message)" }
    public init(table: String, id: String, message: String) { self.table = table; self.id = id; self.message = message }
}
