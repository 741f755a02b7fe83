import Glibc

/// An open file descriptor that closes itself: whole-file reads and writes that retry `EINTR`
/// and short transfers, `flock`, and errors that name the file. Wallet and budget files are
/// small, so they are always read and written whole.
///
/// Noncopyable so the descriptor has exactly one owner and is closed exactly once (closing a
/// descriptor also drops the `flock` held through it).
struct PosixFile: ~Copyable {
    let fd: Int32
    let path: String

    /// Opens `path`; `mode` applies when `flags` creates the file.
    init(path: String, flags: Int32, mode: mode_t = 0o600) throws(WalletError) {
        var descriptor: Int32
        repeat { descriptor = Glibc.open(path, flags | O_CLOEXEC, mode) } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else { throw .io(path: path, operation: "open", errno: errno) }
        fd = descriptor
        self.path = path
    }

    deinit { close(fd) }

    func status() throws(WalletError) -> stat {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(path: path, operation: "stat", errno: errno) }
        return info
    }

    /// The whole content; more than `limit` bytes is an error.
    func readAll(limit: Int) throws(WalletError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw .io(path: path, operation: "read", errno: errno) }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
            guard bytes.count <= limit else { throw .tooLarge(path: path, limit: limit) }
        }
    }

    func writeAll(_ bytes: [UInt8]) throws(WalletError) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw .io(path: path, operation: "write", errno: errno) }
            offset += count
        }
    }

    /// Flushes to stable storage.
    func sync() throws(WalletError) {
        guard fsync(fd) == 0 else { throw .io(path: path, operation: "fsync", errno: errno) }
    }

    /// Blocks until the lock (`LOCK_EX` or `LOCK_SH`) is held; it lasts until the file is closed.
    func lock(_ operation: Int32) throws(WalletError) {
        while flock(fd, operation) != 0 {
            guard errno == EINTR else { throw .io(path: path, operation: "flock", errno: errno) }
        }
    }

    /// Whether `path` still names this descriptor's file (it was not renamed over or removed).
    func isStillAtPath() throws(WalletError) -> Bool {
        let mine = try status()
        var current = stat()
        guard stat(path, &current) == 0 else {
            guard errno == ENOENT else { throw .io(path: path, operation: "stat", errno: errno) }
            return false
        }
        return mine.st_dev == current.st_dev && mine.st_ino == current.st_ino
    }
}

extension PosixFile {
    /// Ends the critical section explicitly (closing would too), so the lock visibly covers
    /// the whole read-check-write.
    func unlock() {
        flock(fd, LOCK_UN)
    }

    /// Makes a rename in the directory holding `path` durable.
    static func syncDirectory(of path: String) throws(WalletError) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let file = try PosixFile(path: directory.isEmpty ? "/" : directory, flags: O_RDONLY | O_DIRECTORY)
        try file.sync()
    }
}
