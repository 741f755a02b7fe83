import CLinux
import Glibc

/// Starts a detached-from-Swift-concurrency OS thread running `body`, and returns its handle
/// for joining. (Foundation's `Thread` is avoided to keep the I/O core Foundation-free.)
public struct OSThread: @unchecked Sendable {
    // `@unchecked`: pthread_t is an integer handle; joining is the only operation on it.
    let handle: pthread_t

    public static func spawn(name: String, _ body: @escaping @Sendable () -> Void) -> OSThread {
        final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
        var handle = pthread_t()
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        let result = pthread_create(&handle, nil, { raw in
            Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
            return nil
        }, box)
        precondition(result == 0, "pthread_create failed: \(result)")
        pthread_setname_np(handle, String(name.prefix(15)))
        return OSThread(handle: handle)
    }

    public func join() { pthread_join(handle, nil) }
}
