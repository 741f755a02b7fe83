import JSON
import XCTest

/// Seeded, bounded randomized tests: generated values round-trip; mutated documents never crash
/// the parser and either parse to something that round-trips or fail with a located error.
final class JSONRandomizedTests: XCTestCase {
    private static let seeds = [
        #"{"x402Version":2,"accepted":{"scheme":"exact","amount":"10000","maxTimeoutSeconds":60,"extra":{"name":"USDC"}},"payload":{"signature":"0x2d6a","authorization":{"nonce":"0xf374"}}}"#,
        #"[1,-0.5e10,"é😀\u0000\"",[],{},[[{"a":[true,false,null]}]]]"#,
        #"{"a":"\ud83d\ude00","b":[0,1.25,-3e-2],"c":{"d":{"e":{}}}}"#,
    ]

    func testMutatedDocumentsNeverCrash() {
        var rng = SplitMix64(seed: 0x402)
        let alphabet = Array(#"{}[]:,"\\ u0123456789abcdefe+-.tfnl"#.utf8) + [0x00, 0x0A, 0x80, 0xC3, 0xED, 0xF4, 0xFF]
        var parsed = 0
        for iteration in 0..<20_000 {
            var bytes = Array(Self.seeds[iteration % Self.seeds.count].utf8)
            for _ in 0..<(1 + rng.next(below: 3)) {
                mutate(&bytes, alphabet: alphabet, rng: &rng)
            }
            do {
                let value = try JSONParser.parse(bytes)
                let encoded = value.encoded()
                XCTAssertEqual(try JSONParser.parse(encoded), value)
                XCTAssertEqual(try JSONParser.parse(encoded).encoded(), encoded)
                parsed += 1
            } catch {
                XCTAssertGreaterThanOrEqual(error.offset, 0)
                XCTAssertLessThanOrEqual(error.offset, bytes.count)
                XCTAssertGreaterThanOrEqual(error.line, 1)
                XCTAssertGreaterThanOrEqual(error.column, 1)
            }
        }
        XCTAssertGreaterThan(parsed, 100, "mutations should leave some documents valid")
    }

    func testGeneratedValuesRoundTrip() throws {
        var rng = SplitMix64(seed: 8259)
        for _ in 0..<3_000 {
            let value = randomValue(depth: 0, rng: &rng)
            let encoded = value.encoded()
            XCTAssertEqual(try JSONParser.parse(encoded), value)
            XCTAssertEqual(try JSONParser.parse(encoded).encoded(), encoded)
        }
    }

    private func mutate(_ bytes: inout [UInt8], alphabet: [UInt8], rng: inout SplitMix64) {
        guard !bytes.isEmpty else { return bytes.append(alphabet[rng.next(below: alphabet.count)]) }
        let at = rng.next(below: bytes.count)
        switch rng.next(below: 5) {
        case 0: bytes[at] = alphabet[rng.next(below: alphabet.count)]
        case 1: bytes.insert(alphabet[rng.next(below: alphabet.count)], at: at)
        case 2: bytes.remove(at: at)
        case 3: bytes.removeSubrange(at...)
        default:
            let end = min(bytes.count, at + 1 + rng.next(below: 12))
            bytes.insert(contentsOf: bytes[at..<end], at: rng.next(below: bytes.count))
        }
    }

    private func randomValue(depth: Int, rng: inout SplitMix64) -> JSONValue {
        switch rng.next(below: depth > 4 ? 4 : 6) {
        case 0: return nil
        case 1: return .bool(rng.next(below: 2) == 0)
        case 2: return randomNumber(rng: &rng)
        case 3: return .string(randomString(rng: &rng))
        case 4: return .array((0..<rng.next(below: 5)).map { _ in randomValue(depth: depth + 1, rng: &rng) })
        default:
            var object = JSONObject()
            for _ in 0..<rng.next(below: 5) { object[randomString(rng: &rng)] = randomValue(depth: depth + 1, rng: &rng) }
            return .object(object)
        }
    }

    private func randomNumber(rng: inout SplitMix64) -> JSONValue {
        let literals = ["0", "-0", "7", "-12", "3.25", "1e400", "-2.5E-7", "123456789012345678901234567890", "0.1000000000000000000001"]
        return .number(literals[rng.next(below: literals.count)])
    }

    private func randomString(rng: inout SplitMix64) -> String {
        let scalars: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\u{0}", "\u{1F}", "\n", "\u{7F}", "é", "\u{2028}", "😀", "中"]
        return String(String.UnicodeScalarView((0..<rng.next(below: 8)).map { _ in scalars[rng.next(below: scalars.count)] }))
    }
}

/// A small deterministic generator (SplitMix64) so randomized tests replay exactly.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
