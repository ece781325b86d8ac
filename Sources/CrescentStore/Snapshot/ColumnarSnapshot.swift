import CrescentCore
import Foundation

/// The store's members and orders as columns in a binary file beside it (`crm.sqlite.columns`),
/// so a load reads whole arrays at disk speed instead of stepping through millions of rows.
///
/// A snapshot is a cache and never trusted: it is used only when its store id and generation
/// are the store's current ones (`StoreGeneration`), and a file that is missing, truncated,
/// of another format version or byte order, fails a checksum or does not form a population is
/// ignored with the reason (`ColumnarSnapshotRejection`) and rebuilt from SQL.
///
/// Layout (little-endian): an 80-byte header (magic `CRESCOLS`, version, byte-order mark,
/// store id, generation, section count, file length, checksum of the header), then one section
/// per column in a fixed order, each a 24-byte header (tag, element size, element count,
/// checksum of the payload) and the column's raw bytes padded to 8.
enum ColumnarSnapshot {
    static let magic = Array("CRESCOLS".utf8)
    /// Bump when the layout or what a load puts into the columns changes.
    static let version: UInt32 = 1
    static let byteOrderMark: UInt32 = 0x0102_0304
    static let headerSize = 80
    static let sectionHeaderSize = 24

    /// The columns in file order; a reader refuses a section whose tag is not the next one.
    enum Section: UInt32, CaseIterable {
        case memberId = 1, joinDay, birthDay, gender, city, tier, points, utcOffsetMinutes, tagStart, tagCodes, consent
        case genderLengths, genderBytes, cityLengths, cityBytes, tierLengths, tierBytes, tagLengths, tagBytes
        case channelLengths, channelBytes
        case orderStart, orderSeconds, orderAmount, orderQuantity
    }

    /// The snapshot file of a store file.
    static func path(forStore storePath: String) -> String { storePath + ".columns" }

    // MARK: writing

    /// Writes `columns` as the snapshot of `generation`: to a temporary file first, then
    /// renamed over `path`, so a reader never sees half a file.
    static func write(_ population: ColumnarPopulation, generation: StoreGeneration, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        do {
            let file = try RawFile.create(temporary)
            try write(population.columns, generation: generation, into: file)
            try RawFile.rename(temporary, to: path)
        } catch {
            unlink(temporary)
            throw error
        }
    }

    private static func write(_ c: ColumnarPopulation.Columns, generation: StoreGeneration, into file: RawFile) throws {
        let t = [c.genders, c.cities, c.tiers, c.tags, c.channels].map(StringTable.init)
        let parts = [
            Part(.memberId, c.memberId), Part(.joinDay, c.joinDay), Part(.birthDay, c.birthDay), Part(.gender, c.gender),
            Part(.city, c.city), Part(.tier, c.tier), Part(.points, c.points), Part(.utcOffsetMinutes, c.utcOffsetMinutes),
            Part(.tagStart, c.tagStart), Part(.tagCodes, c.tagCodes), Part(.consent, c.consent),
            Part(.genderLengths, t[0].lengths), Part(.genderBytes, t[0].bytes),
            Part(.cityLengths, t[1].lengths), Part(.cityBytes, t[1].bytes),
            Part(.tierLengths, t[2].lengths), Part(.tierBytes, t[2].bytes),
            Part(.tagLengths, t[3].lengths), Part(.tagBytes, t[3].bytes),
            Part(.channelLengths, t[4].lengths), Part(.channelBytes, t[4].bytes),
            Part(.orderStart, c.orderStart), Part(.orderSeconds, c.orderSeconds),
            Part(.orderAmount, c.orderAmount), Part(.orderQuantity, c.orderQuantity),
        ]
        precondition(parts.map(\.section) == Section.allCases, "snapshot sections out of order")
        let length = headerSize + parts.reduce(0) { $0 + sectionHeaderSize + padded($1.byteCount) }
        let header = Header(generation: generation, sectionCount: UInt32(parts.count), fileLength: UInt64(length))
        try header.encoded().withUnsafeBytes { try file.write($0) }
        for part in parts { try part.write(file) }
    }

    /// One column on its way to the file: its section header, its bytes, its padding.
    private struct Part {
        let section: Section
        let byteCount: Int
        let write: (RawFile) throws -> Void

        init<T: BitwiseCopyable>(_ section: Section, _ column: [T]) {
            self.section = section
            byteCount = column.count * MemoryLayout<T>.stride
            write = { file in
                try column.withUnsafeBytes { bytes in
                    var head = ByteWriter()
                    head.put(section.rawValue); head.put(UInt32(MemoryLayout<T>.stride)); head.put(UInt64(column.count))
                    head.put(SnapshotChecksum.of(bytes))
                    try head.bytes.withUnsafeBytes { try file.write($0) }
                    try file.write(bytes)
                    let pad = ColumnarSnapshot.padded(bytes.count) - bytes.count
                    if pad > 0 { try [UInt8](repeating: 0, count: pad).withUnsafeBytes { try file.write($0) } }
                }
            }
        }
    }

    // MARK: reading

    /// The population in the snapshot at `path` when it is whole and of `expected`, else why not.
    static func read(from path: String, expecting expected: StoreGeneration) -> Result<ColumnarPopulation, ColumnarSnapshotRejection> {
        guard FileManager.default.fileExists(atPath: path) else { return .failure(.missing) }
        do {
            let file = try RawFile.openForReading(path)
            let size = file.size
            var raw = [UInt8](repeating: 0, count: headerSize)
            guard try raw.withUnsafeMutableBytes({ try file.read(into: $0) }) else { return .failure(.truncated) }
            let header: Header
            switch Header.decode(raw) {
            case .success(let h): header = h
            case .failure(let rejection): return .failure(rejection)
            }
            guard header.fileLength == UInt64(size) else {
                return .failure(UInt64(size) < header.fileLength ? .truncated : .damaged(section: "file length"))
            }
            guard header.generation.storeId == expected.storeId else { return .failure(.otherStore) }
            guard header.generation.generation == expected.generation else {
                return .failure(.stale(snapshot: header.generation.generation, store: expected.generation))
            }
            guard header.sectionCount == UInt32(Section.allCases.count) else { return .failure(.damaged(section: "header")) }
            var reader = SectionReader(file: file, remaining: size - headerSize)
            let columns = try reader.columns()
            return .success(try ColumnarPopulation(validating: columns))
        } catch let rejection as ColumnarSnapshotRejection {
            return .failure(rejection)
        } catch let layout as ColumnarLayoutError {
            return .failure(.badLayout(layout.description))
        } catch {
            return .failure(.unreadable("\(error)"))
        }
    }

    static func padded(_ n: Int) -> Int { (n + 7) & ~7 }
}

/// Which store and which state of its members and orders a snapshot holds.
struct StoreGeneration: Equatable, Sendable {
    /// 32 lowercase hex digits, random per store.
    var storeId: String
    var generation: Int64
}

/// Why a snapshot was not used (and the columns were read from SQL instead).
public enum ColumnarSnapshotRejection: Error, Equatable, CustomStringConvertible, Sendable {
    case missing
    case unreadable(String)
    case truncated
    case badMagic
    case unsupportedVersion(UInt32)
    case otherByteOrder
    case otherStore
    case stale(snapshot: Int64, store: Int64)
    case damaged(section: String)
    case badLayout(String)

    public var description: String {
        switch self {
        case .missing: "no snapshot yet"
        case .unreadable(let why): "snapshot unreadable: \(why)"
        case .truncated: "snapshot truncated"
        case .badMagic: "not a columnar snapshot"
        case .unsupportedVersion(let v): "snapshot format version \(v), this build reads \(ColumnarSnapshot.version)"
        case .otherByteOrder: "snapshot written with another byte order"
        case .otherStore: "snapshot of another store at this path"
        case .stale(let s, let store): "snapshot of generation \(s), the store is at \(store)"
        case .damaged(let section): "snapshot damaged (\(section))"
        case .badLayout(let why): "snapshot columns do not form a population: \(why)"
        }
    }
}

/// The snapshot's first 80 bytes.
private struct Header {
    var generation: StoreGeneration
    var sectionCount: UInt32
    var fileLength: UInt64

    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.bytes += ColumnarSnapshot.magic
        w.put(ColumnarSnapshot.version); w.put(ColumnarSnapshot.byteOrderMark)
        var id = Array(generation.storeId.utf8.prefix(32))
        id += [UInt8](repeating: 0, count: 32 - id.count)
        w.bytes += id
        w.put(generation.generation); w.put(sectionCount); w.put(UInt32(0)); w.put(fileLength)
        w.put(w.bytes.withUnsafeBytes { SnapshotChecksum.of($0) })
        return w.bytes
    }

    static func decode(_ b: [UInt8]) -> Result<Header, ColumnarSnapshotRejection> {
        guard Array(b[0..<8]) == ColumnarSnapshot.magic else { return .failure(.badMagic) }
        var r = ByteReader(bytes: b, at: 8)
        let version: UInt32 = r.get()
        guard version == ColumnarSnapshot.version else { return .failure(.unsupportedVersion(version)) }
        guard r.get() as UInt32 == ColumnarSnapshot.byteOrderMark else { return .failure(.otherByteOrder) }
        let id = String(decoding: b[16..<48].prefix { $0 != 0 }, as: UTF8.self)
        r.at = 48
        let generation: Int64 = r.get(), sections: UInt32 = r.get()
        _ = r.get() as UInt32
        let length: UInt64 = r.get()
        let sum: UInt64 = r.get()
        guard b[0..<72].withUnsafeBytes({ SnapshotChecksum.of($0) }) == sum else { return .failure(.damaged(section: "header")) }
        return .success(Header(generation: StoreGeneration(storeId: id, generation: generation), sectionCount: sections,
                               fileLength: length))
    }
}

/// Reads the sections in order, each straight into the array it becomes.
private struct SectionReader {
    let file: RawFile
    var remaining: Int
    private var next = ColumnarSnapshot.Section.allCases.makeIterator()

    init(file: RawFile, remaining: Int) { self.file = file; self.remaining = remaining }

    mutating func columns() throws -> ColumnarPopulation.Columns {
        let memberId: [Int64] = try array(), joinDay: [Int32] = try array(), birthDay: [Int32] = try array()
        let gender: [Int32] = try array(), city: [Int32] = try array(), tier: [Int32] = try array()
        let points: [Int64] = try array(), utcOffsetMinutes: [Int32] = try array()
        let tagStart: [Int32] = try array(), tagCodes: [Int32] = try array(), consent: [UInt64] = try array()
        var tables: [[String]] = []
        for _ in 0..<5 {
            let lengths: [UInt32] = try array(), bytes: [UInt8] = try array()
            tables.append(try StringTable(lengths: lengths, bytes: bytes).names)
        }
        let orderStart: [Int] = try array(), orderSeconds: [Int64] = try array()
        let orderAmount: [Int64] = try array(), orderQuantity: [Int32] = try array()
        return .init(memberId: memberId, joinDay: joinDay, birthDay: birthDay, gender: gender, city: city, tier: tier,
                     points: points, utcOffsetMinutes: utcOffsetMinutes, tagStart: tagStart, tagCodes: tagCodes,
                     consent: consent, genders: tables[0], cities: tables[1], tiers: tables[2], tags: tables[3],
                     channels: tables[4], orderStart: orderStart, orderSeconds: orderSeconds,
                     orderAmount: orderAmount, orderQuantity: orderQuantity)
    }

    /// The next section as an array of `T`, its checksum verified.
    private mutating func array<T: BitwiseCopyable>() throws -> [T] {
        guard let section = next.next() else { throw ColumnarSnapshotRejection.damaged(section: "section count") }
        let name = "\(section)"
        guard remaining >= ColumnarSnapshot.sectionHeaderSize else { throw ColumnarSnapshotRejection.truncated }
        var raw = [UInt8](repeating: 0, count: ColumnarSnapshot.sectionHeaderSize)
        guard try raw.withUnsafeMutableBytes({ try file.read(into: $0) }) else { throw ColumnarSnapshotRejection.truncated }
        remaining -= raw.count
        var r = ByteReader(bytes: raw, at: 0)
        let tag: UInt32 = r.get(), stride: UInt32 = r.get(), count: UInt64 = r.get(), sum: UInt64 = r.get()
        guard tag == section.rawValue, stride == UInt32(MemoryLayout<T>.stride) else {
            throw ColumnarSnapshotRejection.damaged(section: name)
        }
        // A damaged count must not allocate: it has to fit in what is left of the file.
        guard count <= UInt64(remaining) else { throw ColumnarSnapshotRejection.truncated }
        let bytes = Int(count) * MemoryLayout<T>.stride
        guard ColumnarSnapshot.padded(bytes) <= remaining else {
            throw ColumnarSnapshotRejection.truncated
        }
        let n = Int(count)
        let out = try [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            guard try file.read(into: UnsafeMutableRawBufferPointer(buffer)) else { throw ColumnarSnapshotRejection.truncated }
            initialized = n
        }
        guard out.withUnsafeBytes({ SnapshotChecksum.of($0) }) == sum else {
            throw ColumnarSnapshotRejection.damaged(section: name)
        }
        let pad = ColumnarSnapshot.padded(bytes) - bytes
        if pad > 0 {
            var skip = [UInt8](repeating: 0, count: pad)
            guard try skip.withUnsafeMutableBytes({ try file.read(into: $0) }) else { throw ColumnarSnapshotRejection.truncated }
        }
        remaining -= ColumnarSnapshot.padded(bytes)
        return out
    }
}

/// A code table as one run of UTF-8 bytes and the length of each name.
private struct StringTable {
    var lengths: [UInt32]
    var bytes: [UInt8]
    var names: [String] = []

    init(_ names: [String]) {
        lengths = names.map { UInt32($0.utf8.count) }
        bytes = names.flatMap { Array($0.utf8) }
    }

    init(lengths: [UInt32], bytes: [UInt8]) throws {
        self.lengths = lengths; self.bytes = bytes
        var at = 0
        for length in lengths {
            let end = at + Int(length)
            guard end <= bytes.count else { throw ColumnarSnapshotRejection.damaged(section: "string table") }
            names.append(String(decoding: bytes[at..<end], as: UTF8.self))
            at = end
        }
        guard at == bytes.count else { throw ColumnarSnapshotRejection.damaged(section: "string table") }
    }
}

private struct ByteWriter {
    var bytes: [UInt8] = []
    mutating func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
}

private struct ByteReader {
    let bytes: [UInt8]
    var at: Int
    mutating func get<T: FixedWidthInteger>() -> T {
        var v = T.zero
        withUnsafeMutableBytes(of: &v) { $0.copyBytes(from: bytes[at..<at + MemoryLayout<T>.size]) }
        at += MemoryLayout<T>.size
        return T(littleEndian: v)
    }
}
