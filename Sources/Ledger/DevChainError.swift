import Money

/// Why a development-chain operation did not happen.
public enum DevChainError: Error, Sendable, Equatable, CustomStringConvertible, StoreFailure {
    case database(SQLiteError)
    /// The store was closed before the write could run.
    case closed
    case threadStartFailed(errno: Int32)
    /// The authorization nonce of `address` was already used (EIP-3009 replay).
    case nonceUsed(address: String, nonce: String)
    case insufficientBalance(address: String, balance: TokenAmount, value: TokenAmount)
    /// Crediting `address` would exceed 2^128 - 1 units.
    case balanceOverflow(address: String)
    /// A listing size outside 1...1000.
    case invalidLimit(Int)

    public var code: String {
        switch self {
        case let .database(error): error.code
        case .closed: "devchain_closed"
        case .threadStartFailed: "devchain_thread_start_failed"
        case .nonceUsed: "devchain_nonce_used"
        case .insufficientBalance: "devchain_insufficient_balance"
        case .balanceOverflow: "devchain_balance_overflow"
        case .invalidLimit: "invalid_limit"
        }
    }

    public var description: String {
        switch self {
        case let .database(error): error.description
        case .closed: "\(code): the development chain store is closed"
        case let .threadStartFailed(errno): "\(code): cannot start the writer thread (errno \(errno))"
        case let .nonceUsed(address, nonce): "\(code): nonce \(nonce) of \(address) was already used"
        case let .insufficientBalance(address, balance, value):
            "\(code): \(address) holds \(balance) units, cannot send \(value)"
        case let .balanceOverflow(address): "\(code): the balance of \(address) would exceed 2^128 units"
        case let .invalidLimit(limit): "\(code): limit \(limit) is outside 1...\(DevChainStore.maxListing)"
        }
    }
}
