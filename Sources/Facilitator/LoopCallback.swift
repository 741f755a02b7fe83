import EventLoop

/// A facilitator's completion, carried to whatever thread produces the outcome (a worker, the
/// dev-chain writer, the loop itself) and always run as a later task on the loop the call was
/// made on.
///
/// Owns the rule every facilitator here keeps: a completion never runs before `verify` or
/// `settle` has returned, even when the outcome is known at once (a payment refused by the
/// cheap checks, a connect refused synchronously). Callers can therefore set up their own
/// state after starting a call without racing its answer.
struct LoopCallback<Outcome: Sendable>: Sendable {
    private let completion: LoopBound<(Outcome) -> Void>

    init(_ completion: @escaping (Outcome) -> Void, on loop: EventLoop) {
        self.completion = LoopBound(completion, loop: loop)
    }

    /// Runs the completion with `outcome` on its loop, after the current task. Any thread.
    func deliver(_ outcome: Outcome) {
        completion.execute { $0(outcome) }
    }
}
