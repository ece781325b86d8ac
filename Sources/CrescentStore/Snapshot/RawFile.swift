import Glibc

/// A file read or written in whole buffers with POSIX calls: arrays go to and from the disk
/// without `Data` copies in between.
final class RawFile {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let fd: Int32
    let path: String

    private init(fd: Int32, path: String) { self.fd = fd; self.path = path }

    static func openForReading(_ path: String) throws -> RawFile {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(description: "\(path): \(String(cString: strerror(errno)))") }
        return RawFile(fd: fd, path: path)
    }

    /// Creates (truncating) a file readable by everyone who can read the store.
    static func create(_ path: String) throws -> RawFile {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(description: "\(path): \(String(cString: strerror(errno)))") }
        return RawFile(fd: fd, path: path)
    }

    deinit { close(fd) }

    var size: Int {
        var st = stat()
        return fstat(fd, &st) == 0 ? Int(st.st_size) : 0
    }

    /// Fills `buffer` completely; false at an early end of file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Bool {
        var done = 0
        while done < buffer.count {
            let n = Glibc.read(fd, buffer.baseAddress! + done, buffer.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "\(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { return false }
            done += n
        }
        return true
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "\(path): \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }

    /// Moves `from` over `to` in one step: a reader sees the old file or the new one, whole.
    static func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else {
            throw Failure(description: "\(to): \(String(cString: strerror(errno)))")
        }
    }
}
