/// Hex text in and out, in the one spelling Ethereum JSON uses.
///
/// Parsing is strict so that two different strings never silently mean the same bytes: the
/// `0x` prefix is required (lowercase `x`), the digit count must be even, and only `0-9a-fA-F`
/// are allowed. Output is always `0x` plus lowercase digits.
public enum Hex {
    /// `0x` followed by two lowercase digits per byte.
    public static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: 2 + 2 * bytes.count) { out in
            out[0] = UInt8(ascii: "0")
            out[1] = UInt8(ascii: "x")
            for (index, byte) in bytes.enumerated() {
                out[2 + 2 * index] = digit(byte >> 4)
                out[3 + 2 * index] = digit(byte & 0x0F)
            }
            return 2 + 2 * bytes.count
        }
    }

    /// `0x` followed by two lowercase digits per byte.
    public static func encode(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { encode($0) }
    }

    /// The bytes spelled by `text`, which must be `0x` plus an even number of hex digits.
    public static func decode(_ text: String) throws(CryptoError) -> [UInt8] {
        var text = text
        return try text.withUTF8 { utf8 in
            Result { () throws(CryptoError) -> [UInt8] in
                let digits = try hexDigits(utf8)
                var bytes = [UInt8](repeating: 0, count: digits.count / 2)
                try bytes.withUnsafeMutableBytes { out in
                    Result { () throws(CryptoError) in try decodeDigits(digits, into: out) }
                }.get()
                return bytes
            }
        }.get()
    }

    /// Decodes `text` into `out`, which it must fill exactly; used by the fixed-size types.
    static func decode(_ text: String, into out: UnsafeMutableRawBufferPointer) throws(CryptoError) {
        var text = text
        try text.withUTF8 { utf8 in
            Result { () throws(CryptoError) in
                let digits = try hexDigits(utf8)
                guard digits.count == 2 * out.count else {
                    throw .invalidLength(expected: out.count, actual: digits.count / 2)
                }
                try decodeDigits(digits, into: out)
            }
        }.get()
    }

    /// The digits after a mandatory `0x`; an odd count is rejected here.
    private static func hexDigits(
        _ utf8: UnsafeBufferPointer<UInt8>
    ) throws(CryptoError) -> UnsafeBufferPointer<UInt8> {
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "0"), utf8[1] == UInt8(ascii: "x"),
              utf8.count % 2 == 0 else { throw .invalidHex }
        return UnsafeBufferPointer(rebasing: utf8[2...])
    }

    private static func decodeDigits(_ digits: UnsafeBufferPointer<UInt8>,
                                     into out: UnsafeMutableRawBufferPointer) throws(CryptoError) {
        for index in 0..<out.count {
            guard let high = value(of: digits[2 * index]), let low = value(of: digits[2 * index + 1]) else {
                throw .invalidHex
            }
            out[index] = high << 4 | low
        }
    }

    /// The value of one ASCII hex digit of either case, or nil.
    private static func value(of ascii: UInt8) -> UInt8? {
        switch ascii {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): ascii - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): ascii - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): ascii - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
