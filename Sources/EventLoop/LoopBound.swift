/// A value that may only be used on one loop, carried through `@Sendable` closures so that
/// off-loop work can hand a result back to a loop-confined object.
///
/// `@unchecked Sendable`: the wrapped value is only reachable through `value`, which asserts
/// (debug builds) that the caller runs on `loop`; moving the box between threads is fine because
/// nothing touches the value until it is back on its loop.
public struct LoopBound<Value>: @unchecked Sendable {
    public let loop: EventLoop
    private let wrapped: Value

    public init(_ value: Value, loop: EventLoop) {
        self.loop = loop
        self.wrapped = value
    }

    public var value: Value {
        loop.assertInLoop()
        return wrapped
    }

    /// Runs `body` with the value on its loop.
    public func execute(_ body: @escaping @Sendable (Value) -> Void) {
        let box = self
        loop.execute { body(box.value) }
    }
}

/// One value per loop (indexed by `EventLoop.index`), each only touched on its own loop:
/// the per-loop counterpart of `LoopBound`, for closures that run on every loop.
///
/// `@unchecked Sendable`: `on(_:)` asserts that the caller runs on the loop whose value it asks
/// for, so no value is ever reached from two threads.
public struct PerLoop<Value>: @unchecked Sendable {
    private let values: [Value]

    public init(_ values: [Value]) { self.values = values }

    public func on(_ loop: EventLoop) -> Value {
        loop.assertInLoop()
        return values[loop.index]
    }
}
