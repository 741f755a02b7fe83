// libFuzzer harness for the HTTP1 parsers. Built by fuzz/run.sh together with Sources/HTTP1/*.swift
// as one module (no import), with -sanitize=fuzzer,address: ASan reports any read outside the
// exact-size input libFuzzer hands over, and every invariant below is a precondition, so a
// violation is reported as a crash with its input saved.
//
// Input layout: byte 0 selects the target (low two bits: request, response, chunked body) and
// options (bit 2: small limits; bits 3-4: response request-method; bits 5-7: chunked piece size);
// the rest is the message.

let allowedStatuses: Set<Int> = [400, 414, 431, 501, 505]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let selector = data[0]
    let message = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    let limits = selector & 4 == 0 ? ParseLimits()
        : ParseLimits(maxURIBytes: 32, maxHeadBytes: 256, maxFieldCount: 6, maxChunkExtensionBytes: 16)
    switch selector & 3 {
    case 0, 3: fuzzRequest(message, limits: limits)
    case 1: fuzzResponse(message, method: [.get, .head, .connect, .post][Int(selector >> 3 & 3)], limits: limits)
    default: fuzzChunked(message, piece: Int(selector >> 5) + 1, limits: limits)
    }
    return 0
}

func fuzzRequest(_ message: UnsafeRawBufferPointer, limits: ParseLimits) {
    var fields: [HeaderField] = []
    fields.reserveCapacity(limits.maxFieldCount)
    let result = RequestParser.parse(message, limits: limits, fields: &fields)
    switch result {
    case .incomplete:
        return
    case .failure(let error):
        precondition(allowedStatuses.contains(error.status))
    case .complete(let head):
        precondition(head.headLength > 0 && head.headLength <= message.count)
        precondition(head.fieldCount == fields.count && fields.count <= limits.maxFieldCount)
        precondition(Int(head.target.count) <= limits.maxURIBytes)
        let ranges = [head.methodRange, head.target, head.path] + [head.host, head.upgrade].compactMap { $0 }
        checkRanges(ranges, fields, within: head.headLength)
        checkFields(fields, message)
        if head.framing == .chunked { precondition(head.version == .http1_1) }
        precondition(head.framing != .untilClose)
        let headOnly = UnsafeRawBufferPointer(rebasing: message[0..<head.headLength])
        precondition(RequestParser.parse(headOnly, limits: limits, fields: &fields) == result)
        let shorter = UnsafeRawBufferPointer(rebasing: message[0..<head.headLength - 1])
        precondition(RequestParser.parse(shorter, limits: limits, fields: &fields) == .incomplete)
    }
}

func fuzzResponse(_ message: UnsafeRawBufferPointer, method: HTTPMethod, limits: ParseLimits) {
    var fields: [HeaderField] = []
    fields.reserveCapacity(limits.maxFieldCount)
    let result = ResponseParser.parse(message, requestMethod: method, limits: limits, fields: &fields)
    switch result {
    case .incomplete:
        return
    case .failure(let error):
        precondition(allowedStatuses.contains(error.status))
    case .complete(let head):
        precondition(head.headLength > 0 && head.headLength <= message.count)
        precondition((100...599).contains(head.status))
        precondition(head.fieldCount == fields.count && fields.count <= limits.maxFieldCount)
        checkRanges([head.reason] + [head.upgrade].compactMap { $0 }, fields, within: head.headLength)
        checkFields(fields, message)
        if head.framing == .untilClose { precondition(!head.keepAlive) }
        if method == .head || head.status < 200 || head.status == 204 || head.status == 304 {
            precondition(head.framing == .none)
        }
        let headOnly = UnsafeRawBufferPointer(rebasing: message[0..<head.headLength])
        precondition(ResponseParser.parse(headOnly, requestMethod: method, limits: limits, fields: &fields) == result)
        let shorter = UnsafeRawBufferPointer(rebasing: message[0..<head.headLength - 1])
        precondition(ResponseParser.parse(shorter, requestMethod: method, limits: limits, fields: &fields) == .incomplete)
    }
}

func checkRanges(_ ranges: [ByteRange], _ fields: [HeaderField], within length: Int) {
    for range in ranges + fields.flatMap({ [$0.name, $0.value] }) {
        precondition(range.start >= 0 && range.count >= 0 && range.end <= length)
    }
}

func checkFields(_ fields: [HeaderField], _ message: UnsafeRawBufferPointer) {
    for field in fields {
        let name = field.name.slice(of: message)
        let value = field.value.slice(of: message)
        precondition(!name.isEmpty && name.allSatisfy(ASCII.isTchar))
        precondition(value.allSatisfy(ASCII.isFieldValueByte))
        precondition(!(value.first.map(ASCII.isWhitespace) ?? false) && !(value.last.map(ASCII.isWhitespace) ?? false))
    }
}

/// What one way of feeding a chunked body produced.
struct ChunkedRun: Equatable {
    var data: [UInt8] = []
    var consumed = 0
    var finished = false
    var error: HTTPParseError?
}

func decodeChunked(_ message: UnsafeRawBufferPointer, piece: Int, limits: ParseLimits) -> ChunkedRun {
    var decoder = ChunkedDecoder(limits: limits)
    var run = ChunkedRun()
    var offset = 0
    repeat {
        let size = min(piece, message.count - offset)
        switch decoder.decode(UnsafeRawBufferPointer(rebasing: message[offset..<offset + size]), { run.data += $0 }) {
        case .progress(let consumed):
            precondition(consumed == size)
            run.consumed += consumed
        case .finished(let consumed):
            precondition(consumed <= size && decoder.isFinished)
            run.consumed += consumed
            run.finished = true
            return run
        case .failure(let error):
            precondition(allowedStatuses.contains(error.status))
            run.error = error
            run.consumed = 0
            return run
        }
        offset += size
    } while offset < message.count
    return run
}

func fuzzChunked(_ message: UnsafeRawBufferPointer, piece: Int, limits: ParseLimits) {
    let whole = decodeChunked(message, piece: Int.max, limits: limits)
    precondition(decodeChunked(message, piece: piece, limits: limits) == whole)
    precondition(whole.consumed <= message.count && (whole.error != nil || whole.data.count <= whole.consumed))
    if whole.finished {
        let prefix = UnsafeRawBufferPointer(rebasing: message[0..<whole.consumed])
        precondition(decodeChunked(prefix, piece: Int.max, limits: limits) == whole)
    }
}
