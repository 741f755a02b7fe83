/// Keccak-256 as Ethereum uses it (original Keccak padding byte 0x01, not SHA3's 0x06).
///
/// OpenSSL 3.0 has no Keccak-256, so this is written here. It is the hottest hash in paygate
/// (EIP-712 digests, addresses, EIP-55), so the entry point is non-generic over raw bytes, the
/// 25 lanes live in a stack value, blocks are read with unaligned 64-bit loads and nothing is
/// allocated per call. The `[UInt8]` and `String` overloads only borrow their storage.
public enum Keccak256 {
    /// Bytes absorbed per permutation: 1600 - 2 × 256 capacity bits = 136 bytes.
    static let rate = 136

    public static func hash(_ bytes: UnsafeRawBufferPointer) -> Bytes32 {
        var state = KeccakState()
        var offset = 0
        while bytes.count - offset >= rate {
            state.absorb(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + rate]))
            offset += rate
        }
        state.absorbFinal(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
        return state.digest
    }

    public static func hash(_ bytes: [UInt8]) -> Bytes32 {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// Hashes the UTF-8 encoding of `text`.
    public static func hash(_ text: String) -> Bytes32 {
        var text = text
        return text.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }
}

/// The Keccak-f[1600] state: lane (x, y) is `a[x + 5y]`, each a little-endian 64-bit word.
struct KeccakState {
    private var a0: UInt64 = 0, a1: UInt64 = 0, a2: UInt64 = 0, a3: UInt64 = 0, a4: UInt64 = 0
    private var a5: UInt64 = 0, a6: UInt64 = 0, a7: UInt64 = 0, a8: UInt64 = 0, a9: UInt64 = 0
    private var a10: UInt64 = 0, a11: UInt64 = 0, a12: UInt64 = 0, a13: UInt64 = 0, a14: UInt64 = 0
    private var a15: UInt64 = 0, a16: UInt64 = 0, a17: UInt64 = 0, a18: UInt64 = 0, a19: UInt64 = 0
    private var a20: UInt64 = 0, a21: UInt64 = 0, a22: UInt64 = 0, a23: UInt64 = 0, a24: UInt64 = 0

    /// The first 256 bits of the state, in byte order.
    var digest: Bytes32 { Bytes32(littleEndianWords: a0, a1, a2, a3) }

    /// XORs one full 136-byte block into the first 17 lanes, then permutes.
    @inline(__always)
    mutating func absorb(_ block: UnsafeRawBufferPointer) {
        func lane(_ index: Int) -> UInt64 {
            UInt64(littleEndian: block.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self))
        }
        a0 ^= lane(0); a1 ^= lane(1); a2 ^= lane(2); a3 ^= lane(3); a4 ^= lane(4)
        a5 ^= lane(5); a6 ^= lane(6); a7 ^= lane(7); a8 ^= lane(8); a9 ^= lane(9)
        a10 ^= lane(10); a11 ^= lane(11); a12 ^= lane(12); a13 ^= lane(13); a14 ^= lane(14)
        a15 ^= lane(15); a16 ^= lane(16)
        permute()
    }

    /// Pads the tail (fewer than 136 bytes) with 0x01 … 0x80 in a stack block and absorbs it.
    @inline(__always)
    mutating func absorbFinal(_ tail: UnsafeRawBufferPointer) {
        withUnsafeTemporaryAllocation(byteCount: Keccak256.rate, alignment: 8) { block in
            block.initializeMemory(as: UInt8.self, repeating: 0)
            block.copyMemory(from: tail)
            block[tail.count] = 0x01
            block[Keccak256.rate - 1] |= 0x80
            absorb(UnsafeRawBufferPointer(block))
        }
    }

    /// Keccak-f[1600]: 24 rounds of θ, ρ∘π, χ and ι with every lane in a local.
    private mutating func permute() {
        let roundConstants: InlineArray<24, UInt64> = [
            0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
            0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
            0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
            0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
            0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
            0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
        ]
        var (a0, a1, a2, a3, a4) = (self.a0, self.a1, self.a2, self.a3, self.a4)
        var (a5, a6, a7, a8, a9) = (self.a5, self.a6, self.a7, self.a8, self.a9)
        var (a10, a11, a12, a13, a14) = (self.a10, self.a11, self.a12, self.a13, self.a14)
        var (a15, a16, a17, a18, a19) = (self.a15, self.a16, self.a17, self.a18, self.a19)
        var (a20, a21, a22, a23, a24) = (self.a20, self.a21, self.a22, self.a23, self.a24)
        for round in 0..<24 {
            // θ: XOR each lane with the parities of two neighbouring columns.
            let c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20, c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
            let c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22, c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
            let c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
            let d0 = c4 ^ rotate(c1, 1), d1 = c0 ^ rotate(c2, 1), d2 = c1 ^ rotate(c3, 1)
            let d3 = c2 ^ rotate(c4, 1), d4 = c3 ^ rotate(c0, 1)
            // ρ and π: lane (x, y) rotates by its offset and moves to (y, 2x + 3y).
            let b0 = a0 ^ d0, b1 = rotate(a6 ^ d1, 44), b2 = rotate(a12 ^ d2, 43)
            let b3 = rotate(a18 ^ d3, 21), b4 = rotate(a24 ^ d4, 14)
            let b5 = rotate(a3 ^ d3, 28), b6 = rotate(a9 ^ d4, 20), b7 = rotate(a10 ^ d0, 3)
            let b8 = rotate(a16 ^ d1, 45), b9 = rotate(a22 ^ d2, 61)
            let b10 = rotate(a1 ^ d1, 1), b11 = rotate(a7 ^ d2, 6), b12 = rotate(a13 ^ d3, 25)
            let b13 = rotate(a19 ^ d4, 8), b14 = rotate(a20 ^ d0, 18)
            let b15 = rotate(a4 ^ d4, 27), b16 = rotate(a5 ^ d0, 36), b17 = rotate(a11 ^ d1, 10)
            let b18 = rotate(a17 ^ d2, 15), b19 = rotate(a23 ^ d3, 56)
            let b20 = rotate(a2 ^ d2, 62), b21 = rotate(a8 ^ d3, 55), b22 = rotate(a14 ^ d4, 39)
            let b23 = rotate(a15 ^ d0, 41), b24 = rotate(a21 ^ d1, 2)
            // χ: the only non-linear step, row by row; ι: break the symmetry of lane (0, 0).
            a0 = b0 ^ (~b1 & b2) ^ roundConstants[round]
            a1 = b1 ^ (~b2 & b3); a2 = b2 ^ (~b3 & b4); a3 = b3 ^ (~b4 & b0); a4 = b4 ^ (~b0 & b1)
            a5 = b5 ^ (~b6 & b7); a6 = b6 ^ (~b7 & b8); a7 = b7 ^ (~b8 & b9)
            a8 = b8 ^ (~b9 & b5); a9 = b9 ^ (~b5 & b6)
            a10 = b10 ^ (~b11 & b12); a11 = b11 ^ (~b12 & b13); a12 = b12 ^ (~b13 & b14)
            a13 = b13 ^ (~b14 & b10); a14 = b14 ^ (~b10 & b11)
            a15 = b15 ^ (~b16 & b17); a16 = b16 ^ (~b17 & b18); a17 = b17 ^ (~b18 & b19)
            a18 = b18 ^ (~b19 & b15); a19 = b19 ^ (~b15 & b16)
            a20 = b20 ^ (~b21 & b22); a21 = b21 ^ (~b22 & b23); a22 = b22 ^ (~b23 & b24)
            a23 = b23 ^ (~b24 & b20); a24 = b24 ^ (~b20 & b21)
        }
        (self.a0, self.a1, self.a2, self.a3, self.a4) = (a0, a1, a2, a3, a4)
        (self.a5, self.a6, self.a7, self.a8, self.a9) = (a5, a6, a7, a8, a9)
        (self.a10, self.a11, self.a12, self.a13, self.a14) = (a10, a11, a12, a13, a14)
        (self.a15, self.a16, self.a17, self.a18, self.a19) = (a15, a16, a17, a18, a19)
        (self.a20, self.a21, self.a22, self.a23, self.a24) = (a20, a21, a22, a23, a24)
    }

    @inline(__always)
    private func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        value &<< count | value &>> (64 &- count)
    }
}
