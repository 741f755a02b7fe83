import CSQLite
import Glibc

/// A SQLite VFS that writes each commit's WAL frames with one `pwrite` instead of two per frame.
///
/// SQLite appends a WAL frame as a 24-byte header and a page, each its own `pwrite`: about 24
/// system calls for a receipt written alone, a few hundred for a batch. This VFS wraps the
/// default (unix) one; for `-wal` files it gathers contiguous writes in a buffer and hands them
/// to the unix VFS as one write before anything that must see them: a sync, a read, the file's
/// size, a truncation, a file control, a non-contiguous write, or the close. Every other file
/// (the database, its shared-memory index) goes straight through.
///
/// Why it is correct only for `synchronous = FULL`: other connections learn about new frames
/// from the WAL index, which SQLite updates after the commit's sync. Under FULL that sync is
/// where the buffer is written, so no reader can be told of a frame still in the buffer. Under
/// NORMAL a commit does not sync, and the index would point at frames not yet written, so
/// `SQLiteDatabase` opens only FULL write connections through this VFS, and turns their cache
/// spilling off: a spill writes frames in the middle of a transaction with no sync after them,
/// and if that transaction rolled back, its frames would wait in the buffer and later land on
/// frames another writer had committed meanwhile. So the buffer only ever holds one commit's
/// frames, between SQLite's first write of them and the sync that ends the same call. A process
/// that dies with frames in the buffer has not returned from its COMMIT: the transaction never
/// happened, exactly as when power fails before the sync.
///
/// Measured with `bench/ledger.sh`'s binary (BENCHMARKS.md, 2026-12-07, night): the writer's
/// CPU per payment -15% at 1 payment in flight, -16% at 32, -13% at 128, and `pwrite` calls
/// for 2,000 payments written one at a time 72,426 to 8,003.
enum WALWriteCoalescing {
    /// The name connections open with (`sqlite3_open_v2`'s last argument).
    static let vfsName = "paygate-wal-coalescing"

    /// Registers the VFS on first use; nil if SQLite refused (connections then use the default).
    static let registered: String? = register()

    /// What a WAL file's buffer has done, for tests: SQLite's write calls, the writes made, and
    /// the bytes waiting now.
    struct Statistics: Equatable {
        var writes: Int
        var flushes: Int
        var pending = 0
    }

    /// The statistics of the WAL file `database` has open, if it is one of this VFS's.
    static func statistics(of database: OpaquePointer) -> Statistics? {
        var pointer: UnsafeMutablePointer<sqlite3_file>?
        guard registered != nil, sqlite3_file_control(database, "main", SQLITE_FCNTL_JOURNAL_POINTER, &pointer) == SQLITE_OK,
              let file = pointer, file.pointee.pMethods == UnsafePointer(walMethods) else { return nil }
        let buffer = ShimFile(file).buffer.pointee
        return Statistics(writes: buffer.writes, flushes: buffer.flushes, pending: buffer.count)
    }

    // MARK: Registration

    /// Opens the unix file inside ours; a `-wal` file gets a write buffer and the gathering methods.
    private static func open(_ name: sqlite3_filename?, _ file: UnsafeMutablePointer<sqlite3_file>, _ flags: Int32,
                             _ outFlags: UnsafeMutablePointer<Int32>?) -> Int32 {
        let shim = ShimFile(file)
        let result = base.pointee.xOpen!(base, name, shim.real, flags, outFlags)
        guard result == SQLITE_OK else {
            file.pointee.pMethods = nil
            return result
        }
        if flags & SQLITE_OPEN_WAL != 0 {
            shim.setBuffer(.allocate(capacity: 1))
            shim.buffer.initialize(to: WriteBuffer())
            file.pointee.pMethods = UnsafePointer(walMethods)
        } else {
            file.pointee.pMethods = UnsafePointer(passMethods)
        }
        return SQLITE_OK
    }

    /// The unix VFS this one wraps.
    nonisolated(unsafe) private static var base: UnsafeMutablePointer<sqlite3_vfs>!
    /// Method tables, built once in `register` and read-only after: SQLite keeps pointers to
    /// them in every open file.
    nonisolated(unsafe) private static var walMethods: UnsafeMutablePointer<sqlite3_io_methods>!
    nonisolated(unsafe) private static var passMethods: UnsafeMutablePointer<sqlite3_io_methods>!

    /// Runs once (a `static let` initializer, which Swift runs exactly once across threads).
    private static func register() -> String? {
        guard let found = sqlite3_vfs_find(nil) else { return nil }
        base = found
        walMethods = .allocate(capacity: 1)
        walMethods.initialize(to: coalescingMethods())
        passMethods = .allocate(capacity: 1)
        passMethods.initialize(to: passThroughMethods())
        // A copy of the unix VFS with our name, file size and open: its other functions get a
        // struct identical to their own in every field they read.
        let vfs = UnsafeMutablePointer<sqlite3_vfs>.allocate(capacity: 1)
        vfs.initialize(to: found.pointee)
        vfs.pointee.pNext = nil
        vfs.pointee.zName = UnsafePointer(strdup(vfsName))
        vfs.pointee.szOsFile = Int32(ShimFile.realOffset) + found.pointee.szOsFile
        vfs.pointee.xOpen = { _, name, file, flags, outFlags in WALWriteCoalescing.open(name, file!, flags, outFlags) }
        guard sqlite3_vfs_register(vfs, 0) == SQLITE_OK else { return nil }
        return vfsName
    }
}

/// The contiguous WAL bytes not yet written. Confined like its connection: one thread at a time.
private struct WriteBuffer {
    /// Under 128 KiB: the unix VFS masks a write's length to 17 bits (`seekAndWriteFd`), so a
    /// 128 KiB multiple would become a zero-length `pwrite` and SQLITE_FULL. 30 frames of a
    /// 4 KiB-page WAL fit.
    static let capacity = 0x1F000
    var bytes: UnsafeMutableRawPointer? = nil
    var count = 0
    var offset: Int64 = 0
    var writes = 0
    var flushes = 0
}

/// Our part of a file object SQLite allocated `szOsFile` bytes for: the `sqlite3_file` SQLite
/// sees, then the buffer pointer, then the unix VFS's own file object.
private struct ShimFile {
    static let bufferOffset = MemoryLayout<sqlite3_file>.stride
    static let realOffset = bufferOffset + MemoryLayout<UnsafeMutablePointer<WriteBuffer>>.stride

    let file: UnsafeMutablePointer<sqlite3_file>
    init(_ file: UnsafeMutablePointer<sqlite3_file>) { self.file = file }

    var real: UnsafeMutablePointer<sqlite3_file> {
        (UnsafeMutableRawPointer(file) + Self.realOffset).assumingMemoryBound(to: sqlite3_file.self)
    }
    var realMethods: sqlite3_io_methods { real.pointee.pMethods.pointee }
    var buffer: UnsafeMutablePointer<WriteBuffer> {
        (UnsafeMutableRawPointer(file) + Self.bufferOffset).load(as: UnsafeMutablePointer<WriteBuffer>.self)
    }
    func setBuffer(_ buffer: UnsafeMutablePointer<WriteBuffer>) {
        (UnsafeMutableRawPointer(file) + Self.bufferOffset).storeBytes(of: buffer, as: UnsafeMutablePointer<WriteBuffer>.self)
    }

    /// Writes what the buffer holds, in one call to the unix VFS (which loops over short writes
    /// and reports SQLITE_FULL or SQLITE_IOERR_WRITE as for any write). A failed write is
    /// dropped: SQLite fails the transaction and writes those frames again.
    func flush() -> Int32 {
        let pending = buffer
        guard pending.pointee.count > 0 else { return SQLITE_OK }
        let count = pending.pointee.count
        pending.pointee.count = 0
        pending.pointee.flushes += 1
        return realMethods.xWrite!(real, pending.pointee.bytes, Int32(count), pending.pointee.offset)
    }

    func write(_ source: UnsafeRawPointer, _ amount: Int32, at offset: Int64) -> Int32 {
        let pending = buffer
        pending.pointee.writes += 1
        let count = pending.pointee.count
        if count > 0 && (offset != pending.pointee.offset + Int64(count) || count + Int(amount) > WriteBuffer.capacity) {
            let result = flush()
            guard result == SQLITE_OK else { return result }
        }
        guard Int(amount) <= WriteBuffer.capacity else {
            pending.pointee.flushes += 1
            return realMethods.xWrite!(real, source, amount, offset)
        }
        if pending.pointee.bytes == nil { pending.pointee.bytes = malloc(WriteBuffer.capacity) }
        guard let bytes = pending.pointee.bytes else { return SQLITE_NOMEM }
        if pending.pointee.count == 0 { pending.pointee.offset = offset }
        (bytes + pending.pointee.count).copyMemory(from: source, byteCount: Int(amount))
        pending.pointee.count += Int(amount)
        return SQLITE_OK
    }

    func close() -> Int32 {
        let flushed = flush()
        let closed = realMethods.xClose!(real)
        free(buffer.pointee.bytes)
        buffer.deinitialize(count: 1)
        buffer.deallocate()
        return flushed != SQLITE_OK ? flushed : closed
    }

    /// Flushes, then runs `operation` on the unix file.
    func afterFlush(_ operation: (UnsafeMutablePointer<sqlite3_file>, sqlite3_io_methods) -> Int32) -> Int32 {
        let result = flush()
        guard result == SQLITE_OK else { return result }
        return operation(real, realMethods)
    }
}

// MARK: Method tables

/// A `-wal` file: writes gathered, flushed before anything that must see them.
private func coalescingMethods() -> sqlite3_io_methods {
    var methods = passThroughMethods()
    methods.xClose = { file in ShimFile(file!).close() }
    methods.xWrite = { file, source, amount, offset in ShimFile(file!).write(source!, amount, at: offset) }
    methods.xRead = { file, target, amount, offset in
        ShimFile(file!).afterFlush { real, methods in methods.xRead!(real, target, amount, offset) }
    }
    methods.xTruncate = { file, size in ShimFile(file!).afterFlush { real, methods in methods.xTruncate!(real, size) } }
    methods.xSync = { file, flags in ShimFile(file!).afterFlush { real, methods in methods.xSync!(real, flags) } }
    methods.xFileSize = { file, size in ShimFile(file!).afterFlush { real, methods in methods.xFileSize!(real, size) } }
    methods.xFileControl = { file, op, argument in
        ShimFile(file!).afterFlush { real, methods in methods.xFileControl!(real, op, argument) }
    }
    methods.xFetch = { file, offset, amount, pointer in
        ShimFile(file!).afterFlush { real, methods in methods.xFetch!(real, offset, amount, pointer) }
    }
    return methods
}

/// Any other file: every call goes to the unix file as it is.
private func passThroughMethods() -> sqlite3_io_methods {
    sqlite3_io_methods(
        iVersion: 3,
        xClose: { file in
            let shim = ShimFile(file!)
            return shim.realMethods.xClose!(shim.real)
        },
        xRead: { file, target, amount, offset in ShimFile(file!).pass { $1.xRead!($0, target, amount, offset) } },
        xWrite: { file, source, amount, offset in ShimFile(file!).pass { $1.xWrite!($0, source, amount, offset) } },
        xTruncate: { file, size in ShimFile(file!).pass { $1.xTruncate!($0, size) } },
        xSync: { file, flags in ShimFile(file!).pass { $1.xSync!($0, flags) } },
        xFileSize: { file, size in ShimFile(file!).pass { $1.xFileSize!($0, size) } },
        xLock: { file, level in ShimFile(file!).pass { $1.xLock!($0, level) } },
        xUnlock: { file, level in ShimFile(file!).pass { $1.xUnlock!($0, level) } },
        xCheckReservedLock: { file, result in ShimFile(file!).pass { $1.xCheckReservedLock!($0, result) } },
        xFileControl: { file, op, argument in ShimFile(file!).pass { $1.xFileControl!($0, op, argument) } },
        xSectorSize: { file in ShimFile(file!).pass { $1.xSectorSize!($0) } },
        xDeviceCharacteristics: { file in ShimFile(file!).pass { $1.xDeviceCharacteristics!($0) } },
        xShmMap: { file, region, size, extend, pointer in ShimFile(file!).pass { $1.xShmMap!($0, region, size, extend, pointer) } },
        xShmLock: { file, offset, count, flags in ShimFile(file!).pass { $1.xShmLock!($0, offset, count, flags) } },
        xShmBarrier: { file in
            let shim = ShimFile(file!)
            shim.realMethods.xShmBarrier!(shim.real)
        },
        xShmUnmap: { file, delete in ShimFile(file!).pass { $1.xShmUnmap!($0, delete) } },
        xFetch: { file, offset, amount, pointer in ShimFile(file!).pass { $1.xFetch!($0, offset, amount, pointer) } },
        xUnfetch: { file, offset, pointer in ShimFile(file!).pass { $1.xUnfetch!($0, offset, pointer) } })
}

private extension ShimFile {
    func pass(_ operation: (UnsafeMutablePointer<sqlite3_file>, sqlite3_io_methods) -> Int32) -> Int32 {
        operation(real, realMethods)
    }
}
