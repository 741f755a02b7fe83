/// The field-line grammar shared by heads and trailer sections (RFC 9112 §5):
/// `field-name ":" OWS field-value OWS CRLF`, strictly.
///
/// Refused: a line starting with SP/HTAB (obs-fold, or whitespace after the start line), an
/// empty or non-token name, whitespace before the colon, a line without a colon, and value bytes
/// other than HTAB, SP, VCHAR and obs-text. NUL, a CR not followed by LF and a LF not preceded by
/// CR have their own errors.
enum FieldLines {
    /// Parses the field lines from `offset` to the empty line that ends the section, appending
    /// each field to `fields` and showing it to `semantics`. `.done` is the offset after the
    /// final CRLF.
    @inline(__always)
    static func parse(_ buffer: UnsafeRawBufferPointer, from offset: Int, end: Int, maxFieldCount: Int,
                      fields: inout [HeaderField], semantics: inout FieldSemantics) -> ParseStep {
        var offset = offset
        while true {
            guard offset < end else { return .incomplete }
            if buffer[offset] == ASCII.cr {
                guard offset + 1 < end else { return .incomplete }
                return buffer[offset + 1] == ASCII.lf ? .done(offset + 2) : .failure(.bareCR)
            }
            guard fields.count < maxFieldCount else { return .failure(.tooManyHeaders) }
            switch line(buffer, from: offset, end: end) {
            case .incomplete: return .incomplete
            case .failure(let error): return .failure(error)
            case .field(let field, let next):
                fields.append(field)
                if let error = semantics.note(buffer, field) { return .failure(error) }
                offset = next
            }
        }
    }

    enum Line {
        case field(HeaderField, next: Int)
        case incomplete
        case failure(HTTPParseError)
    }

    /// One field line starting at `offset` (which is not the CR of the final empty line).
    @inline(__always)
    static func line(_ buffer: UnsafeRawBufferPointer, from offset: Int, end: Int) -> Line {
        let nameEnd = ByteScan.tokenStop(buffer, from: offset, end: end)
        guard nameEnd < end else { return .incomplete }
        guard buffer[nameEnd] == ASCII.colon, nameEnd > offset else {
            return nameError(buffer, at: nameEnd, lineStart: offset, end: end)
        }
        var valueStart = nameEnd + 1
        while valueStart < end && ASCII.isWhitespace(buffer[valueStart]) { valueStart += 1 }
        var valueEnd = ByteScan.fieldValueEnd(buffer, from: valueStart, end: end)
        guard valueEnd < end else { return .incomplete }
        switch ASCII.controlError(buffer, at: valueEnd, end: end) {
        case .lineEnd: break
        case .needMore: return .incomplete
        case .error(let error): return .failure(error)
        case .other: return .failure(.invalidHeaderValue)
        }
        let next = valueEnd + 2
        while valueEnd > valueStart && ASCII.isWhitespace(buffer[valueEnd - 1]) { valueEnd -= 1 }
        let field = HeaderField(name: ByteRange(from: offset, to: nameEnd),
                                value: ByteRange(from: valueStart, to: valueEnd))
        return .field(field, next: next)
    }

    /// Why the byte at `offset` cannot follow the field name that started at `lineStart`.
    static func nameError(_ buffer: UnsafeRawBufferPointer, at offset: Int, lineStart: Int, end: Int) -> Line {
        if ASCII.isWhitespace(buffer[offset]) {
            return .failure(offset == lineStart ? .obsFold : .whitespaceBeforeColon)
        }
        switch ASCII.controlError(buffer, at: offset, end: end) {
        case .error(let error): return .failure(error)
        case .needMore: return .incomplete
        case .lineEnd: return .failure(offset == lineStart ? .invalidHeaderName : .missingColon)
        case .other: return .failure(.invalidHeaderName)
        }
    }
}
