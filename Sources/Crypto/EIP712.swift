/// EIP-712 typed-data hashing for the EIP-3009 tokens x402 pays with.
///
/// Only the parts paygate signs and verifies are here: the four-field domain that USDC-style
/// tokens use (name, version, chainId, verifyingContract) and the final
/// keccak(0x19 ‖ 0x01 ‖ domainSeparator ‖ structHash). Type hashes are computed from their type
/// strings, never pasted, so a typo cannot hide behind a constant.
public enum EIP712 {
    static let domainTypeHash = Keccak256.hash(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")

    /// hashStruct(EIP712Domain): dynamic strings enter as their keccak, the address as a word.
    public static func domainSeparator(name: String, version: String, chainId: UInt64,
                                       verifyingContract: EthAddress) -> Bytes32 {
        ABIWords.keccak([domainTypeHash, Keccak256.hash(name), Keccak256.hash(version),
                         UInt256(chainId).word, verifyingContract.abiWord])
    }

    /// The digest a wallet signs: keccak256(0x19 ‖ 0x01 ‖ domainSeparator ‖ structHash).
    public static func digest(domainSeparator: Bytes32, structHash: Bytes32) -> Bytes32 {
        withUnsafeTemporaryAllocation(byteCount: 66, alignment: 8) { buffer in
            buffer[0] = 0x19
            buffer[1] = 0x01
            domainSeparator.withUnsafeBytes {
                UnsafeMutableRawBufferPointer(rebasing: buffer[2..<34]).copyMemory(from: $0)
            }
            structHash.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[34...]).copyMemory(from: $0) }
            return Keccak256.hash(UnsafeRawBufferPointer(buffer))
        }
    }
}
