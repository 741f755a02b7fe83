import XCTest
@testable import HTTP1

/// The outcome of parsing one request, with the bytes kept so ranges can be read back.
struct RequestOutcome {
    let bytes: [UInt8]
    let result: RequestParseResult
    let fields: [HeaderField]

    var head: RequestHead? {
        if case .complete(let head) = result { return head }
        return nil
    }

    var error: HTTPParseError? {
        if case .failure(let error) = result { return error }
        return nil
    }

    func text(_ range: ByteRange?) -> String? {
        guard let range else { return nil }
        return String(decoding: bytes[Int(range.start)..<range.end], as: UTF8.self)
    }

    var fieldPairs: [[String]] {
        fields.map { [text($0.name)!, text($0.value)!] }
    }
}

struct ResponseOutcome {
    let bytes: [UInt8]
    let result: ResponseParseResult
    let fields: [HeaderField]

    var head: ResponseHead? {
        if case .complete(let head) = result { return head }
        return nil
    }

    var error: HTTPParseError? {
        if case .failure(let error) = result { return error }
        return nil
    }

    func text(_ range: ByteRange?) -> String? {
        guard let range else { return nil }
        return String(decoding: bytes[Int(range.start)..<range.end], as: UTF8.self)
    }
}

func newFields(_ limits: ParseLimits = ParseLimits()) -> [HeaderField] {
    var fields: [HeaderField] = []
    fields.reserveCapacity(limits.maxFieldCount)
    return fields
}

func parseRequest(_ bytes: [UInt8], limits: ParseLimits = ParseLimits()) -> RequestOutcome {
    var fields = newFields(limits)
    let result = bytes.withUnsafeBytes { RequestParser.parse($0, limits: limits, fields: &fields) }
    return RequestOutcome(bytes: bytes, result: result, fields: fields)
}

func parseRequest(_ text: String, limits: ParseLimits = ParseLimits()) -> RequestOutcome {
    parseRequest(Array(text.utf8), limits: limits)
}

func parseResponse(_ bytes: [UInt8], method: HTTPMethod = .get, limits: ParseLimits = ParseLimits()) -> ResponseOutcome {
    var fields = newFields(limits)
    let result = bytes.withUnsafeBytes {
        ResponseParser.parse($0, requestMethod: method, limits: limits, fields: &fields)
    }
    return ResponseOutcome(bytes: bytes, result: result, fields: fields)
}

func parseResponse(_ text: String, method: HTTPMethod = .get, limits: ParseLimits = ParseLimits()) -> ResponseOutcome {
    parseResponse(Array(text.utf8), method: method, limits: limits)
}

/// A minimal valid HTTP/1.1 request with the given extra field lines.
func request(_ fieldLines: String..., method: String = "GET", target: String = "/",
             version: String = "HTTP/1.1") -> String {
    "\(method) \(target) \(version)\r\n" + fieldLines.map { $0 + "\r\n" }.joined() + "\r\n"
}

func assertRequestFails(_ text: String, _ expected: HTTPParseError, status: Int,
                        limits: ParseLimits = ParseLimits(), file: StaticString = #filePath, line: UInt = #line) {
    assertRequestFails(Array(text.utf8), expected, status: status, limits: limits, file: file, line: line)
}

func assertRequestFails(_ bytes: [UInt8], _ expected: HTTPParseError, status: Int,
                        limits: ParseLimits = ParseLimits(), file: StaticString = #filePath, line: UInt = #line) {
    let outcome = parseRequest(bytes, limits: limits)
    XCTAssertEqual(outcome.result, .failure(expected), file: file, line: line)
    XCTAssertEqual(expected.status, status, file: file, line: line)
}

@discardableResult
func assertRequestParses(_ text: String, limits: ParseLimits = ParseLimits(),
                         file: StaticString = #filePath, line: UInt = #line) -> RequestOutcome {
    let outcome = parseRequest(text, limits: limits)
    XCTAssertNotNil(outcome.head, "expected a head, got \(outcome.result)", file: file, line: line)
    return outcome
}

func assertResponseFails(_ text: String, _ expected: HTTPParseError, method: HTTPMethod = .get,
                         file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(parseResponse(text, method: method).result, .failure(expected), file: file, line: line)
}

/// Deterministic PRNG (SplitMix64) for the bounded randomized tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// What decoding a chunked body produced: the data handed out, the bytes consumed up to the end
/// (0 after a failure), and how it stopped.
struct ChunkedOutcome: Equatable {
    var data: [UInt8] = []
    var consumed = 0
    var finished = false
    var error: HTTPParseError?
}

/// Decodes a whole chunked body, fed in pieces of the given sizes (cycled).
func decodeChunked(_ bytes: [UInt8], pieces: [Int] = [Int.max], limits: ParseLimits = ParseLimits()) -> ChunkedOutcome {
    var decoder = ChunkedDecoder(limits: limits)
    var outcome = ChunkedOutcome()
    var offset = 0
    var pieceIndex = 0
    repeat {
        let size = min(pieces[pieceIndex % pieces.count], bytes.count - offset)
        pieceIndex += 1
        let step = bytes[offset..<offset + size].withUnsafeBytes { piece in
            decoder.decode(piece) { outcome.data.append(contentsOf: $0) }
        }
        switch step {
        case .progress(let consumed):
            precondition(consumed == size, "progress must consume the whole piece")
            outcome.consumed += consumed
        case .finished(let consumed):
            outcome.consumed += consumed
            outcome.finished = true
            return outcome
        case .failure(let error):
            outcome.error = error
            outcome.consumed = 0 // a failed step reports no count: the connection is closed
            return outcome
        }
        offset += size
    } while offset < bytes.count
    return outcome
}
