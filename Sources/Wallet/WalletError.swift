import Crypto
import EventLoop

/// Why a wallet file or a budget file could not be created, read or written. `code` is stable
/// (scripts and tests branch on it); `description` names the file and says what to do.
public enum WalletError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `wallet new` never overwrites a key: the old one may hold money.
    case walletExists(path: String)
    case walletMissing(path: String)
    /// Like ssh with private keys: a key file that group or others can read is refused.
    case insecurePermissions(path: String, mode: UInt32)
    case notRegularFile(path: String)
    case tooLarge(path: String, limit: Int)
    /// Not the expected JSON document (the detail names the field).
    case malformed(path: String, detail: String)
    /// The stored address is not the one the stored key controls.
    case addressMismatch(path: String, stored: String, derived: String)
    /// A budget file written for another wallet's address.
    case budgetOwner(path: String, expected: String, found: String)
    /// The budget file kept being replaced while we tried to lock it.
    case lockContention(path: String)
    case io(path: String, operation: String, errno: Int32)
    case keyGeneration(CryptoError)

    public var code: String {
        switch self {
        case .walletExists: "wallet_exists"
        case .walletMissing: "wallet_missing"
        case .insecurePermissions: "wallet_insecure_permissions"
        case .notRegularFile: "not_regular_file"
        case .tooLarge: "file_too_large"
        case .malformed: "malformed_file"
        case .addressMismatch: "wallet_address_mismatch"
        case .budgetOwner: "budget_owner_mismatch"
        case .lockContention: "budget_lock_contention"
        case .io: "file_io"
        case .keyGeneration: "key_generation_failed"
        }
    }

    public var description: String {
        switch self {
        case let .walletExists(path):
            "\(path) already exists; refusing to overwrite a wallet (it may hold funds)"
        case let .walletMissing(path):
            "no wallet file at \(path) (create one with 'paygate wallet new --wallet \(path)')"
        case let .insecurePermissions(path, mode):
            "\(path) has mode \(Self.octal(mode)): a wallet file must not be accessible by group or others; "
                + "run 'chmod 600 \(path)'"
        case let .notRegularFile(path):
            "\(path) is not a regular file"
        case let .tooLarge(path, limit):
            "\(path) is larger than \(limit) bytes"
        case let .malformed(path, detail):
            "\(path) is not a valid paygate file: \(detail)"
        case let .addressMismatch(path, stored, derived):
            "\(path) says address \(stored) but its key controls \(derived); the file is damaged"
        case let .budgetOwner(path, expected, found):
            "\(path) is the budget of wallet \(found), not \(expected)"
        case let .lockContention(path):
            "\(path) kept changing while waiting for its lock"
        case let .io(path, operation, errno):
            "\(operation) \(path): \(Errno.describe(errno))"
        case let .keyGeneration(error):
            "cannot generate a key: \(error)"
        }
    }

    private static func octal(_ mode: UInt32) -> String {
        let digits = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
