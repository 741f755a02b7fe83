import Crypto
import Glibc
import JSON

/// A wallet file: one secp256k1 key as `{"version":1,"address":"0x…","privateKey":"0x…"}`,
/// mode 0600.
///
/// The address (EIP-55) is stored beside the key so a person can tell whose file it is without
/// paygate, and so a damaged key is caught: it must derive the stored address. Like ssh with
/// private keys, a file that group or others may access is refused, because the key moves money;
/// and `create` never replaces an existing file, because the old key may hold funds.
public struct WalletFile: Sendable {
    public static let version = 1
    static let maxBytes = 64 * 1024
    static let keys = ["version", "address", "privateKey"]

    public let path: String
    public let key: PrivateKey

    public var address: EthAddress { key.address }

    /// `<wallet>.budget.json`: what this wallet has spent (see `BudgetFile`).
    public var budgetPath: String { path + ".budget.json" }

    /// Writes a fresh random key to a new file at `path` (0600, synced).
    public static func create(at path: String) throws(WalletError) -> WalletFile {
        let key: PrivateKey
        do {
            key = try PrivateKey.random()
        } catch {
            throw .keyGeneration(error)
        }
        try write(document(key), toNew: path)
        return WalletFile(path: path, key: key)
    }

    /// Reads the wallet at `path`, refusing files that group or others may access.
    public static func load(from path: String) throws(WalletError) -> WalletFile {
        let file: PosixFile
        do {
            file = try PosixFile(path: path, flags: O_RDONLY)
        } catch .io(_, _, ENOENT) {
            throw .walletMissing(path: path)
        }
        let info = try file.status()
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notRegularFile(path: path) }
        guard info.st_mode & 0o077 == 0 else { throw .insecurePermissions(path: path, mode: info.st_mode) }
        return WalletFile(path: path, key: try decode(try file.readAll(limit: maxBytes), path: path))
    }

    static func document(_ key: PrivateKey) -> [UInt8] {
        let json: JSONValue = ["version": .integer(version), "address": .string(key.address.checksummed),
                               "privateKey": .string(key.secretHex)]
        return json.encoded() + [UInt8(ascii: "\n")]
    }

    static func decode(_ bytes: [UInt8], path: String) throws(WalletError) -> PrivateKey {
        let stored: (version: Int, address: String, key: String)
        do {
            let reader = try JSONCursor(JSONParser.parse(bytes)).object()
            try reader.rejectUnknownKeys(allowed: keys)
            stored = (try reader.integer("version"), try reader.string("address"), try reader.string("privateKey"))
        } catch let error as JSONDecodeError {
            throw .malformed(path: path, detail: error.description)
        } catch {
            throw .malformed(path: path, detail: "not JSON: \(error)")
        }
        guard stored.version == version else {
            throw .malformed(path: path, detail: "version \(stored.version) is not supported (expected \(version))")
        }
        let key: PrivateKey
        let address: EthAddress
        do {
            key = try PrivateKey(hex: stored.key)
        } catch {
            throw .malformed(path: path, detail: "privateKey: \(error)")
        }
        do {
            address = try EthAddress(hex: stored.address)
        } catch {
            throw .malformed(path: path, detail: "address: \(error)")
        }
        guard address == key.address else {
            throw .addressMismatch(path: path, stored: stored.address, derived: key.address.checksummed)
        }
        return key
    }

    /// Creates `path` exclusively with mode 0600 and writes `bytes`; removes it again on failure.
    private static func write(_ bytes: [UInt8], toNew path: String) throws(WalletError) {
        let file: PosixFile
        do {
            file = try PosixFile(path: path, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: 0o600)
        } catch .io(_, _, EEXIST) {
            throw .walletExists(path: path)
        }
        do throws(WalletError) {
            guard fchmod(file.fd, 0o600) == 0 else { throw .io(path: path, operation: "chmod", errno: errno) }
            try file.writeAll(bytes)
            try file.sync()
        } catch {
            unlink(path)
            throw error
        }
    }
}
