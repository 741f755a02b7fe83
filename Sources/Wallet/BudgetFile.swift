import Crypto
import Glibc

/// The budget file beside a wallet (`<wallet>.budget.json`, see `BudgetState`) and the lock
/// that lets several `paygate pay` runs share one budget without overspending it.
///
/// Every read-check-reserve-write runs under an exclusive `flock` on the file, so two payers
/// (processes, or threads with their own descriptors) cannot both take the last of a budget.
/// A new state is written to `<file>.tmp`, synced and renamed over the file, so a crash leaves
/// the old or the new content, never a torn one. The rename replaces the inode other payers may
/// be waiting on; so after taking the lock a payer checks that its descriptor still is the file
/// at the path, and starts again on the new one if not.
public struct BudgetFile: Sendable {
    /// 10,000 log entries take about 4 MB.
    static let maxBytes = 16 << 20
    /// Each retry means another payer replaced the file meanwhile; this many in a row is not
    /// contention any more but something else rewriting the file.
    static let maxLockAttempts = 1000

    public let path: String
    /// The wallet address (EIP-55) the file must belong to.
    public let owner: String

    public init(path: String, owner: EthAddress) {
        self.path = path
        self.owner = owner.checksummed
    }

    public init(wallet: WalletFile) {
        self.init(path: wallet.budgetPath, owner: wallet.address)
    }

    /// Runs `body` on the current state under the exclusive lock and writes the state back
    /// (durably) if `body` changed it, before the lock is released.
    public func update<T>(_ body: (inout BudgetState) -> T) throws(WalletError) -> T {
        for _ in 0..<Self.maxLockAttempts {
            let file = try PosixFile(path: path, flags: O_RDWR | O_CREAT)
            try file.lock(LOCK_EX)
            guard try file.isStillAtPath() else { continue }
            var state = try load(file)
            let before = state
            let result = body(&state)
            if state != before { try replace(with: state) }
            file.unlock()
            return result
        }
        throw .lockContention(path: path)
    }

    /// The current state under a shared lock; a missing file is an empty budget.
    public func read() throws(WalletError) -> BudgetState {
        for _ in 0..<Self.maxLockAttempts {
            let file: PosixFile
            do {
                file = try PosixFile(path: path, flags: O_RDONLY)
            } catch .io(_, _, ENOENT) {
                return BudgetState(owner: owner)
            }
            try file.lock(LOCK_SH)
            guard try file.isStillAtPath() else { continue }
            return try load(file)
        }
        throw .lockContention(path: path)
    }

    /// Starts over: under the lock, the file is renamed to `<file>.reset-<now>` (its log stays
    /// there), so the next payment starts with nothing spent and records its `--budget` as
    /// given. Returns the archive's path, or nil when there was no budget file.
    public func reset(now: UInt64) throws(WalletError) -> String? {
        for _ in 0..<Self.maxLockAttempts {
            let file: PosixFile
            do {
                file = try PosixFile(path: path, flags: O_RDWR)
            } catch .io(_, _, ENOENT) {
                return nil
            }
            try file.lock(LOCK_EX)
            guard try file.isStillAtPath() else { continue }
            _ = try load(file)
            let archive = path + ".reset-\(now)"
            guard rename(path, archive) == 0 else { throw .io(path: path, operation: "rename", errno: errno) }
            try PosixFile.syncDirectory(of: path)
            file.unlock()
            return archive
        }
        throw .lockContention(path: path)
    }

    private func load(_ file: borrowing PosixFile) throws(WalletError) -> BudgetState {
        let bytes = try file.readAll(limit: Self.maxBytes)
        guard !bytes.isEmpty else { return BudgetState(owner: owner) }
        let state = try BudgetState.decode(fileBytes: bytes, path: path)
        guard state.owner.lowercased() == owner.lowercased() else {
            throw .budgetOwner(path: path, expected: owner, found: state.owner)
        }
        return state
    }

    private func replace(with state: BudgetState) throws(WalletError) {
        let temporary = path + ".tmp"
        do {
            let file = try PosixFile(path: temporary, flags: O_WRONLY | O_CREAT | O_TRUNC)
            try file.writeAll(state.fileBytes())
            try file.sync()
        }
        guard rename(temporary, path) == 0 else { throw .io(path: path, operation: "rename", errno: errno) }
        try PosixFile.syncDirectory(of: path)
    }
}
