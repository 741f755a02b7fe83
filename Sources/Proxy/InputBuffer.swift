/// Client bytes read but not yet processed: a partial request head, the rest of a batch of
/// pipelined requests, or a request held while its `check` phase is suspended. Empty on the fast
/// path, where requests are parsed straight from the loop's read buffer.
struct InputBuffer {
    private var storage: [UInt8] = []
    private var start = 0

    var isEmpty: Bool { start == storage.count }
    var count: Int { storage.count - start }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0 && start == storage.count {
            storage.removeAll(keepingCapacity: true)
            start = 0
        }
        storage.append(contentsOf: bytes)
    }

    /// Runs `body` on the unprocessed bytes; `body` returns how many it used. `body` must not
    /// append to this buffer (the pointer would dangle).
    mutating func consume(_ body: (UnsafeRawBufferPointer) -> Int) {
        guard !isEmpty else { return }
        let used = storage.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        start += used
        if start == storage.count {
            reset()
        } else if start > 64 * 1024 {
            storage.removeFirst(start)
            start = 0
        }
    }

    /// Drops everything; gives back large allocations so idle connections stay small.
    mutating func reset() {
        if storage.capacity > 16 * 1024 { storage = [] } else { storage.removeAll(keepingCapacity: true) }
        start = 0
    }
}
