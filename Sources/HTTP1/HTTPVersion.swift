/// The two HTTP versions this gateway speaks on the wire. Any other well-formed `HTTP/x.y` is
/// answered with 505 (`HTTPParseError.unsupportedVersion`).
public enum HTTPVersion: Sendable, Equatable {
    case http1_0
    case http1_1
}

/// What the eight bytes of an HTTP-version token (`HTTP/` DIGIT `.` DIGIT) turned out to be.
enum VersionToken {
    case version(HTTPVersion)
    /// Well-formed, but neither 1.0 nor 1.1.
    case unsupported
    /// The available bytes match so far.
    case incomplete
    /// The byte at this offset breaks the pattern.
    case mismatch(at: Int)

    /// Reads the version token starting at `start`, looking no further than `end`.
    @inline(__always)
    static func read(_ buffer: UnsafeRawBufferPointer, at start: Int, end: Int) -> VersionToken {
        let template: StaticString = "HTTP/d.d"
        for index in 0..<8 {
            let offset = start + index
            guard offset < end else { return .incomplete }
            let byte = buffer[offset]
            let matches = index == 5 || index == 7 ? ASCII.isDigit(byte) : byte == template.utf8Start[index]
            guard matches else { return .mismatch(at: offset) }
        }
        switch (buffer[start + 5], buffer[start + 7]) {
        case (0x31, 0x31): return .version(.http1_1)
        case (0x31, 0x30): return .version(.http1_0)
        default: return .unsupported
        }
    }
}

/// Error classification shared by the request line and the status line.
enum StartLine {
    /// The outcome when the byte at `offset` is not what the start-line grammar expects:
    /// more bytes needed (a CR at the end), the control-byte errors, `otherwise` for a plain
    /// wrong byte, and `invalidLine` for a line that ends too early.
    @inline(__always)
    static func unexpected(_ buffer: UnsafeRawBufferPointer, at offset: Int, end: Int,
                           invalidLine: HTTPParseError, otherwise: HTTPParseError) -> ParseStep {
        switch ASCII.controlError(buffer, at: offset, end: end) {
        case .needMore: return .incomplete
        case .error(let error): return .failure(error)
        case .lineEnd: return .failure(invalidLine)
        case .other: return .failure(otherwise)
        }
    }

    /// Expects the CRLF that ends a start line at `offset`.
    @inline(__always)
    static func lineEnd(_ buffer: UnsafeRawBufferPointer, at offset: Int, end: Int,
                        invalidLine: HTTPParseError) -> ParseStep {
        guard offset < end else { return .incomplete }
        switch ASCII.controlError(buffer, at: offset, end: end) {
        case .lineEnd: return .done(offset + 2)
        case .needMore: return .incomplete
        case .error(let error): return .failure(error)
        case .other: return .failure(invalidLine)
        }
    }
}
