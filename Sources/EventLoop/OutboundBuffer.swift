/// Bytes accepted for sending but not yet taken by the kernel. Empty on the fast path (writes
/// usually complete at once); when it fills, the producer pauses its source, so it holds at most
/// about one read's worth. Capacity is kept between uses and trimmed when it grows large.
struct OutboundBuffer {
    private var storage: [UInt8] = []
    private var offset = 0

    var isEmpty: Bool { offset == storage.count }
    var count: Int { storage.count - offset }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        storage.append(contentsOf: bytes)
    }

    /// Calls `body` with the unsent bytes; `body` returns how many it sent.
    mutating func drain(_ body: (UnsafeRawBufferPointer) -> Int) {
        guard !isEmpty else { return }
        let sent = storage.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
        offset += sent
        if offset == storage.count { reset() }
    }

    /// Forgets everything; releases memory held beyond a small working size so idle
    /// connections stay small.
    mutating func reset() {
        if storage.capacity > 16 * 1024 {
            storage = []
        } else {
            storage.removeAll(keepingCapacity: true)
        }
        offset = 0
    }
}
