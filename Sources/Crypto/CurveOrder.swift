/// The order n of the secp256k1 group and the scalar ranges it defines.
///
/// Private keys must lie in 1...n-1; signature components r and s too, and Ethereum (EIP-2)
/// further requires s ≤ n/2 so that each signature has one canonical form. Keeping n as
/// big-endian words lets keys and signatures be validated while parsing, before any OpenSSL
/// call; a test checks these words against the order OpenSSL reports.
enum CurveOrder {
    static let n = Bytes32(bigEndianWords: 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFE,
                           0xBAAE_DCE6_AF48_A03B, 0xBFD2_5E8C_D036_4141)
    /// ⌊n / 2⌋.
    static let halfN = Bytes32(bigEndianWords: 0x7FFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF,
                               0x5D57_6E73_57A4_501D, 0xDFE9_2F46_681B_20A0)

    /// Whether `scalar` read big-endian is in 1...n-1.
    static func isValidScalar(_ scalar: Bytes32) -> Bool {
        !scalar.isZero && scalar.bigEndianWords < n.bigEndianWords
    }

    /// Whether `s` read big-endian is at most n/2 (the EIP-2 canonical half).
    static func isLowS(_ s: Bytes32) -> Bool {
        s.bigEndianWords <= halfN.bigEndianWords
    }
}

extension CurveOrder {
    /// n - s for s in 1...n-1: the other valid s for the same r, used to move a signature into
    /// the low half.
    static func negate(_ s: Bytes32) -> Bytes32 {
        let order = n.bigEndianWords, value = s.bigEndianWords
        let (w3, borrow3) = order.3.subtractingReportingOverflow(value.3)
        let (w2, borrow2) = subtract(order.2, value.2, borrow: borrow3)
        let (w1, borrow1) = subtract(order.1, value.1, borrow: borrow2)
        let (w0, _) = subtract(order.0, value.0, borrow: borrow1)
        return Bytes32(bigEndianWords: w0, w1, w2, w3)
    }

    private static func subtract(_ lhs: UInt64, _ rhs: UInt64, borrow: Bool) -> (UInt64, Bool) {
        let (partial, overflow1) = lhs.subtractingReportingOverflow(rhs)
        let (result, overflow2) = partial.subtractingReportingOverflow(borrow ? 1 : 0)
        return (result, overflow1 || overflow2)
    }
}
