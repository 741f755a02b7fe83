import XCTest
@testable import HTTP1

final class ChunkedDecoderTests: XCTestCase {
    func decode(_ text: String, pieces: [Int] = [Int.max], limits: ParseLimits = ParseLimits()) -> ChunkedOutcome {
        decodeChunked(Array(text.utf8), pieces: pieces, limits: limits)
    }

    func assertFails(_ text: String, _ error: HTTPParseError, limits: ParseLimits = ParseLimits(),
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(decode(text, limits: limits).error, error, file: file, line: line)
        XCTAssertEqual(decode(text, pieces: [1], limits: limits).error, error, "one byte at a time", file: file, line: line)
    }

    func testNormalBody() {
        let body = "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        let outcome = decode(body)
        XCTAssertEqual(String(decoding: outcome.data, as: UTF8.self), "hello world")
        XCTAssertTrue(outcome.finished)
        XCTAssertEqual(outcome.consumed, body.utf8.count)
        XCTAssertNil(outcome.error)
    }

    func testEmptyBody() {
        let outcome = decode("0\r\n\r\n")
        XCTAssertTrue(outcome.finished)
        XCTAssertEqual(outcome.consumed, 5)
        XCTAssertEqual(outcome.data, [])
    }

    func testBytesAfterTheEndAreNotConsumed() {
        let outcome = decode("3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n")
        XCTAssertTrue(outcome.finished)
        XCTAssertEqual(outcome.consumed, 13)
        XCTAssertEqual(outcome.data, Array("abc".utf8))
    }

    func testExactConsumedCountsAcrossCalls() {
        var decoder = ChunkedDecoder()
        var data: [UInt8] = []
        let first = Array("5\r\nhel".utf8).withUnsafeBytes { decoder.decode($0) { data.append(contentsOf: $0) } }
        XCTAssertEqual(first, .progress(consumed: 6))
        XCTAssertFalse(decoder.isFinished)
        let second = Array("lo\r\n0\r\n\r\nGET".utf8).withUnsafeBytes { decoder.decode($0) { data.append(contentsOf: $0) } }
        XCTAssertEqual(second, .finished(consumed: 9))
        XCTAssertTrue(decoder.isFinished)
        XCTAssertEqual(data, Array("hello".utf8))
        let third = Array("more".utf8).withUnsafeBytes { decoder.decode($0) { _ in XCTFail("no data after the end") } }
        XCTAssertEqual(third, .finished(consumed: 0))
    }

    func testDataSlicesPointIntoTheInput() {
        let bytes = Array("4\r\nabcd\r\n0\r\n\r\n".utf8)
        var decoder = ChunkedDecoder()
        bytes.withUnsafeBytes { input in
            _ = decoder.decode(input) { slice in
                XCTAssertEqual(slice.baseAddress, input.baseAddress! + 3)
                XCTAssertEqual(slice.count, 4)
            }
        }
    }

    func testHexDigits() {
        let chunk = String(repeating: "x", count: 0xAb)
        XCTAssertEqual(decode("aB\r\n\(chunk)\r\n0\r\n\r\n").data.count, 0xAB)
        XCTAssertEqual(decode("00000000000000a\r\n0123456789\r\n0\r\n\r\n").data.count, 10)
        XCTAssertTrue(decode("0000000000000000\r\n\r\n").finished)
    }

    func testExtensions() {
        for line in ["5;a", "5;a=b", "5;a=\"q\\\"x\"", "5 ; a = b", "5;a;b=1;c=\"\"", "5\t;a\t=\t\"x y\"", "5;a=b ;c",
                     "5;!#$%&'*+-.^_`|~=x"] {
            let outcome = decode("\(line)\r\nhello\r\n0;last\r\n\r\n")
            XCTAssertEqual(outcome.data, Array("hello".utf8), line)
            XCTAssertTrue(outcome.finished, line)
        }
    }

    func testTrailers() {
        let body = "3\r\nabc\r\n0\r\nX-Checksum: 123\r\nY:\r\nZ: a\tb \r\n\r\n"
        let outcome = decode(body)
        XCTAssertTrue(outcome.finished)
        XCTAssertEqual(outcome.consumed, body.utf8.count)
        XCTAssertEqual(outcome.data, Array("abc".utf8))
    }

    func testOneByteAtATime() {
        let body = "5;x=y\r\nhello\r\n1\r\n!\r\n0\r\nT: v\r\n\r\nNEXT"
        let outcome = decode(body, pieces: [1])
        XCTAssertEqual(outcome.data, Array("hello!".utf8))
        XCTAssertTrue(outcome.finished)
        XCTAssertEqual(outcome.consumed, body.utf8.count - 4)
    }

    func testManyChunksAtOnceAndInOddPieces() {
        var generator = SplitMix64(seed: 7)
        var body: [UInt8] = []
        var expected: [UInt8] = []
        for _ in 0..<1000 {
            let size = Int.random(in: 1...300, using: &generator)
            let data = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            body += Array(String(size, radix: 16).utf8) + [13, 10] + data + [13, 10]
            expected += data
        }
        body += Array("0\r\n\r\n".utf8)
        for pieces in [[Int.max], [1], [7, 1, 300], [4096]] {
            let outcome = decodeChunked(body, pieces: pieces)
            XCTAssertEqual(outcome.data, expected, "\(pieces)")
            XCTAssertTrue(outcome.finished)
            XCTAssertEqual(outcome.consumed, body.count)
        }
    }

    func testEmptySize() {
        assertFails("\r\nabc", .invalidChunkSize)
    }

    func testNonHexSize() {
        assertFails("g\r\n", .invalidChunkSize)
        assertFails("-1\r\n", .invalidChunkSize)
        assertFails("+1\r\n", .invalidChunkSize)
        assertFails(" 1\r\n", .invalidChunkSize)
    }

    func testHexPrefixIsNotAllowed() {
        assertFails("0x5\r\nhello\r\n", .invalidChunkSize)
    }

    func testSizeWithTrailingWhitespace() {
        assertFails("5 \r\nhello\r\n0\r\n\r\n", .invalidChunkExtension)
    }

    func testMalformedExtensions() {
        for line in ["5;", "5;\t", "5;a=", "5;a b", "5;=b", "5;a==b", "5;a=b=c", "5;a=\"x", "5;a=\"x\"y",
                     "5;a@b", "5;a=\"\u{7F}\"", "5;a ", "5;a=b "] {
            assertFails("\(line)\r\nhello\r\n0\r\n\r\n", .invalidChunkExtension)
        }
    }

    func testExtensionLengthLimit() {
        let limits = ParseLimits(maxChunkExtensionBytes: 16)
        XCTAssertTrue(decode("1;" + String(repeating: "a", count: 15) + "\r\nx\r\n0\r\n\r\n", limits: limits).finished)
        XCTAssertTrue(decode("1 ;" + String(repeating: "a", count: 14) + "\r\nx\r\n0\r\n\r\n", limits: limits).finished)
        assertFails("1;" + String(repeating: "a", count: 16) + "\r\nx\r\n0\r\n\r\n", .chunkExtensionTooLong, limits: limits)
        assertFails("1;" + String(repeating: "a", count: 2000), .chunkExtensionTooLong)
    }

    func testSizeOverflow() {
        assertFails("10000000000000000\r\n", .chunkSizeOverflow)
        assertFails("00000000000000001\r\n", .chunkSizeOverflow)
        assertFails("8000000000000000\r\n", .chunkSizeOverflow)
        assertFails("ffffffffffffffff\r\n", .chunkSizeOverflow)
        XCTAssertEqual(decode("7fffffffffffffff\r\nabc").consumed, 21)
    }

    func testDataNotFollowedByCRLF() {
        assertFails("5\r\nhelloX\r\n0\r\n\r\n", .missingChunkCRLF)
        assertFails("5\r\nhello\rX0\r\n\r\n", .missingChunkCRLF)
        assertFails("5\r\nhello\n0\r\n\r\n", .missingChunkCRLF)
        assertFails("5\r\nhello world\r\n0\r\n\r\n", .missingChunkCRLF)
    }

    func testBareLineEndsInSizeLine() {
        assertFails("5\nhello\r\n", .bareLF)
        assertFails("5\rhello\r\n", .bareCR)
        assertFails("5;a\nhello\r\n", .bareLF)
        assertFails("\n", .bareLF)
    }

    func testLastChunkWithoutFinalCRLF() {
        assertFails("0\r\n\rX", .bareCR)
        assertFails("0\r\n\n", .bareLF)
    }

    func testTrailerFieldRules() {
        assertFails("0\r\n X: v\r\n\r\n", .obsFold)
        assertFails("0\r\nX: v\r\n\tw\r\n\r\n", .obsFold)
        assertFails("0\r\nX : v\r\n\r\n", .whitespaceBeforeColon)
        assertFails("0\r\nX\r\n\r\n", .missingColon)
        assertFails("0\r\n: v\r\n\r\n", .invalidHeaderName)
        assertFails("0\r\nX@: v\r\n\r\n", .invalidHeaderName)
        assertFails("0\r\nX: a\u{01}\r\n\r\n", .invalidHeaderValue)
        assertFails("0\r\nX: a\u{7F}\r\n\r\n", .invalidHeaderValue)
        assertFails("0\r\nX: a\0\r\n\r\n", .nulByte)
        assertFails("0\r\nX\0: a\r\n\r\n", .nulByte)
        assertFails("0\r\nX: v\nY: w\r\n\r\n", .bareLF)
        assertFails("0\r\nX: v\rY\r\n\r\n", .bareCR)
    }

    func testTrailerSizeLimits() {
        let limits = ParseLimits(maxHeadBytes: 32, maxFieldCount: 2)
        XCTAssertTrue(decode("0\r\nA: 1\r\nB: 2\r\n\r\n", limits: limits).finished)
        assertFails("0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", .trailerTooLarge, limits: limits)
        assertFails("0\r\nA: " + String(repeating: "x", count: 40) + "\r\n\r\n", .trailerTooLarge, limits: limits)
        XCTAssertEqual(HTTPParseError.trailerTooLarge.status, 431)
    }

    func testFailureIsSticky() {
        var decoder = ChunkedDecoder()
        let first = Array("z".utf8).withUnsafeBytes { decoder.decode($0) { _ in } }
        XCTAssertEqual(first, .failure(.invalidChunkSize))
        let second = Array("0\r\n\r\n".utf8).withUnsafeBytes { decoder.decode($0) { _ in } }
        XCTAssertEqual(second, .failure(.invalidChunkSize))
        XCTAssertFalse(decoder.isFinished)
    }

    func testEmptyInput() {
        var decoder = ChunkedDecoder()
        XCTAssertEqual(decoder.decode(UnsafeRawBufferPointer(start: nil, count: 0)) { _ in }, .progress(consumed: 0))
    }
}

final class ChunkedEncoderTests: XCTestCase {
    func write(_ body: (inout ByteWriter) -> Void) -> String {
        var storage = [UInt8](repeating: 0, count: 64)
        return storage.withUnsafeMutableBytes { raw in
            var writer = ByteWriter(raw)
            body(&writer)
            XCTAssertFalse(writer.overflowed)
            return String(decoding: writer.written, as: UTF8.self)
        }
    }

    func testChunkHeaders() {
        XCTAssertEqual(write { ChunkedEncoder.writeChunkHeader(size: 1, into: &$0) }, "1\r\n")
        XCTAssertEqual(write { ChunkedEncoder.writeChunkHeader(size: 255, into: &$0) }, "ff\r\n")
        XCTAssertEqual(write { ChunkedEncoder.writeChunkHeader(size: 4096, into: &$0) }, "1000\r\n")
        XCTAssertEqual(write { ChunkedEncoder.writeChunkHeader(size: Int.max, into: &$0) }, "7fffffffffffffff\r\n")
        XCTAssertEqual("7fffffffffffffff\r\n".utf8.count, ChunkedEncoder.maxChunkHeaderBytes)
    }

    func testChunkEndAndLastChunk() {
        XCTAssertEqual(write { ChunkedEncoder.writeChunkEnd(into: &$0) }, "\r\n")
        XCTAssertEqual(write { ChunkedEncoder.writeLastChunk(into: &$0) }, "0\r\n\r\n")
    }

    func testEncodedBodyDecodes() {
        var generator = SplitMix64(seed: 11)
        let payload = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var encoded: [UInt8] = []
        var offset = 0
        while offset < payload.count {
            let size = min(Int.random(in: 1...700, using: &generator), payload.count - offset)
            encoded += Array(write { ChunkedEncoder.writeChunkHeader(size: size, into: &$0) }.utf8)
            encoded += payload[offset..<offset + size]
            encoded += Array(write { ChunkedEncoder.writeChunkEnd(into: &$0) }.utf8)
            offset += size
        }
        encoded += Array(write { ChunkedEncoder.writeLastChunk(into: &$0) }.utf8)
        let outcome = decodeChunked(encoded)
        XCTAssertEqual(outcome.data, payload)
        XCTAssertTrue(outcome.finished)
    }
}
