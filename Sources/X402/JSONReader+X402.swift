import JSON
import Money

/// Field readers for x402 value types, reporting errors at the field's path.
extension JSONObjectReader {
    /// A CAIP-2 network (v2 messages).
    func caip2Network(_ key: String) throws(JSONDecodeError) -> Network {
        let text = try string(key)
        do {
            return try Network(caip2: text)
        } catch {
            throw invalid(key, code: error.code, error.description)
        }
    }

    /// A v1 network name or a CAIP-2 identifier (v1 messages).
    func anyNetwork(_ key: String) throws(JSONDecodeError) -> Network {
        let text = try string(key)
        do {
            return try Network(parsing: text)
        } catch {
            throw invalid(key, code: error.code, error.description)
        }
    }

    /// Atomic units written as a canonical decimal string (`"10000"`).
    func amount(_ key: String) throws(JSONDecodeError) -> TokenAmount {
        let text = try string(key)
        guard let amount = TokenAmount(decimal: text) else {
            throw invalid(key, code: "invalid_amount",
                          "expected atomic units as a decimal string without sign or leading zeros, below 2^128")
        }
        return amount
    }

    /// Unix seconds written as a canonical decimal string (`"1740672089"`).
    func unixSeconds(_ key: String) throws(JSONDecodeError) -> UInt64 {
        let text = try string(key)
        guard let value = TokenAmount(decimal: text), let seconds = UInt64(exactly: value.units) else {
            throw invalid(key, code: "invalid_timestamp", "expected Unix seconds as a decimal string below 2^64")
        }
        return seconds
    }

    /// `0x`-prefixed hex, of exactly `byteCount` bytes when given, else of any whole number of bytes.
    func hex(_ key: String, byteCount: Int? = nil) throws(JSONDecodeError) -> String {
        let text = try string(key)
        let digits = text.utf8.count - 2
        let lengthOK = byteCount.map { digits == 2 * $0 } ?? (digits > 0 && digits % 2 == 0)
        guard AddressComparison.isHex(text), lengthOK else {
            let size = byteCount.map { "\($0) bytes" } ?? "whole bytes"
            throw invalid(key, code: "invalid_hex", "expected 0x-prefixed hex of \(size)")
        }
        return text
    }

    /// A non-negative integer number of seconds.
    func seconds(_ key: String) throws(JSONDecodeError) -> Int {
        let value: Int = try integer(key)
        guard value >= 0 else { throw invalid(key, code: "out_of_range", "must not be negative") }
        return value
    }

    /// `x402Version`, which must be `expected`.
    func version(_ expected: X402Version) throws(JSONDecodeError) {
        let version: Int = try integer("x402Version")
        guard version == expected.rawValue else {
            throw invalid("x402Version", code: "unsupported_version", "expected \(expected.rawValue), found \(version)")
        }
    }
}

extension JSONValue {
    /// Builds an object from optional members, leaving out the nil ones (x402 omits unset fields).
    static func compactObject(_ members: KeyValuePairs<String, JSONValue?>) -> JSONValue {
        var object = JSONObject()
        for (key, value) in members {
            if let value { object[key] = value }
        }
        return .object(object)
    }
}
