import Glibc

/// A joinable POSIX thread running one closure.
///
/// The writer needs a dedicated OS thread of its own: a Dispatch worker could be shared with
/// unrelated work or starved, and `close()` must be able to *join* it so shutdown (and every
/// test) is deterministic. `pthread_t` is a plain integer on Linux, so the handle is Sendable.
final class NativeThread: Sendable {
    struct StartError: Error {
        let errno: Int32
    }

    /// The retained closure handed to the C entry point through its `void *` argument.
    private final class Entry {
        let body: @Sendable () -> Void
        let name: String
        init(body: @escaping @Sendable () -> Void, name: String) {
            self.body = body
            self.name = name
        }
    }

    private let thread: pthread_t

    /// Starts the thread. `name` is cut to the 15 bytes Linux keeps.
    init(name: String, body: @escaping @Sendable () -> Void) throws(StartError) {
        let entry = Unmanaged.passRetained(Entry(body: body, name: name)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { argument in
            let entry = Unmanaged<Entry>.fromOpaque(argument!).takeRetainedValue()
            NativeThread.nameCurrentThread(entry.name)
            entry.body()
            return nil
        }, entry)
        guard result == 0 else {
            Unmanaged<Entry>.fromOpaque(entry).release()
            throw StartError(errno: result)
        }
        self.thread = thread
    }

    /// Best-effort name shown by `top -H` and debuggers. `pthread_setname_np` and `prctl` are
    /// not importable (GNU-only and variadic), so write the kernel's comm file directly.
    private static func nameCurrentThread(_ name: String) {
        let descriptor = open("/proc/thread-self/comm", O_WRONLY)
        guard descriptor >= 0 else { return }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
    }

    /// True when called on this thread.
    var isCurrent: Bool { pthread_equal(thread, pthread_self()) != 0 }

    /// Waits for the closure to return. Call at most once, never from the thread itself.
    func join() {
        pthread_join(thread, nil)
    }

    /// Lets the thread release its resources when it ends, for an owner that will not join.
    /// Call at most once, and never together with `join()`.
    func detach() {
        pthread_detach(thread)
    }
}
