import JSON
import XCTest

/// Cost of parsing an x402 payment payload (the spec's PAYMENT-SIGNATURE example, 770 bytes).
/// Run in release for the real figure: `swift test -c release --filter JSONPerformanceTests`.
final class JSONPerformanceTests: XCTestCase {
    static let payload = #"{"x402Version":2,"resource":{"url":"https://api.example.com/premium-data","description":"Access to premium market data","mimeType":"application/json"},"accepted":{"scheme":"exact","network":"eip155:84532","amount":"10000","asset":"0x036CbD53842c5426634e7929541eC2318f3dCF7e","payTo":"0x209693Bc6afc0C5328bA36FaF03C514EF312287C","maxTimeoutSeconds":60,"extra":{"name":"USDC","version":"2"}},"payload":{"signature":"0x2d6a7588d6acca505cbf0d9a4a227e0c52c6c34008c8e8986a1283259764173608a2ce6496642e377d6da8dbbf5836e9bd15092f9ecab05ded3d6293af148b571c","authorization":{"from":"0x857b06519E91e3A54538791bDbb0E22373e36b66","to":"0x209693Bc6afc0C5328bA36FaF03C514EF312287C","value":"10000","validAfter":"1740672089","validBefore":"1740672154","nonce":"0xf3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13480"}}}"#

    func testParseAndEncodeCost() throws {
        let bytes = Array(Self.payload.utf8)
        let iterations = 20_000
        var lastValue: JSONValue = nil
        let parseNanos = try measureNanos(iterations) { lastValue = try JSONParser.parse(bytes) }
        let value = try JSONParser.parse(bytes)
        XCTAssertEqual(lastValue, value)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1024)
        let encodeNanos = measureNanos(iterations) {
            buffer.removeAll(keepingCapacity: true)
            value.encode(into: &buffer)
        }
        XCTAssertEqual(buffer, bytes)
        print("JSON \(bytes.count)-byte payload: parse \(parseNanos) ns/op, encode \(encodeNanos) ns/op")
        XCTAssertLessThan(parseNanos, 1_000_000, "parsing a payment payload must stay far below a millisecond")
    }

    private func measureNanos(_ iterations: Int, _ body: () throws -> Void) rethrows -> Int {
        for _ in 0..<(iterations / 10) { try body() }
        let start = ContinuousClock.now
        for _ in 0..<iterations { try body() }
        let elapsed = ContinuousClock.now - start
        let total = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        return Int(total) / iterations
    }
}
