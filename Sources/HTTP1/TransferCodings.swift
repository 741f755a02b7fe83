/// The Transfer-Encoding list of a message, accumulated over all its field lines (RFC 9112 §6.1:
/// multiple field lines form one list).
///
/// Known codings are chunked, gzip, x-gzip, deflate, compress and x-compress. `identity` was
/// removed from HTTP (RFC 7230) and is treated as unknown like any other name: 501, because a
/// coding we cannot decode makes the body length unknowable. Elements must be bare coding names:
/// parameters (`gzip;q=1`) are refused, as none of the known codings takes one. Empty list
/// elements are skipped, but a Transfer-Encoding with no coding at all is refused.
struct TransferCodings {
    private(set) var isPresent = false
    private(set) var count = 0
    private(set) var lastIsChunked = false
    private var chunkedSeen = false

    /// Adds the codings of one Transfer-Encoding field line.
    mutating func add(_ buffer: UnsafeRawBufferPointer, _ value: ByteRange) -> HTTPParseError? {
        isPresent = true
        var elements = ConnectionTokens(buffer, value)
        while let element = elements.next() {
            let isChunked = FieldName.equals(buffer, element, "chunked")
            if isChunked {
                if chunkedSeen { return .chunkedTwice }
                chunkedSeen = true
            } else if let error = Self.check(buffer, element) {
                return error
            }
            count += 1
            lastIsChunked = isChunked
        }
        return nil
    }

    /// Why a coding other than chunked cannot be accepted, if it cannot.
    private static func check(_ buffer: UnsafeRawBufferPointer, _ element: ByteRange) -> HTTPParseError? {
        guard ByteScan.tokenStop(buffer, from: Int(element.start), end: element.end) == element.end else {
            return .invalidTransferEncoding
        }
        let known: Bool
        switch element.count {
        case 4: known = FieldName.equals(buffer, element, "gzip")
        case 6: known = FieldName.equals(buffer, element, "x-gzip")
        case 7: known = FieldName.equals(buffer, element, "deflate")
        case 8: known = FieldName.equals(buffer, element, "compress")
        case 10: known = FieldName.equals(buffer, element, "x-compress")
        default: known = false
        }
        return known ? nil : .unknownTransferEncoding
    }
}
