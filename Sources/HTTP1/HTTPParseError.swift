/// Why a head, a chunked body or a trailer section was refused.
///
/// Every case maps to the status the gateway answers a client with (`status`) and a stable
/// snake_case `code` for logs and metrics; codes are never reworded once shipped. A failed parse
/// leaves the connection's framing unknown, so the caller must close it after responding.
/// Errors found in an upstream response are answered with 502 by the proxy, whatever `status` says.
public enum HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    // Start line.
    case invalidRequestLine
    case invalidMethod
    case invalidTarget
    case uriTooLong
    case unsupportedVersion
    case invalidStatusLine
    // Field lines.
    case headerTooLarge
    case tooManyHeaders
    case invalidHeaderName
    case missingColon
    case whitespaceBeforeColon
    case obsFold
    case invalidHeaderValue
    case bareCR
    case bareLF
    case nulByte
    // Field semantics.
    case missingHost
    case duplicateHost
    case invalidHost
    case invalidConnection
    case duplicateUpgrade
    // Framing (request smuggling shapes).
    case contentLengthWithTransferEncoding
    case invalidContentLength
    case duplicateContentLength
    case contentLengthOverflow
    case invalidTransferEncoding
    case transferEncodingNotChunkedLast
    case unknownTransferEncoding
    case chunkedTwice
    case transferEncodingInHTTP10
    // Chunked body.
    case invalidChunkSize
    case chunkSizeOverflow
    case invalidChunkExtension
    case chunkExtensionTooLong
    case missingChunkCRLF
    case trailerTooLarge

    /// The status to answer a client with: 400, 414, 431, 501 or 505.
    public var status: Int {
        switch self {
        case .uriTooLong: return 414
        case .headerTooLarge, .tooManyHeaders, .trailerTooLarge: return 431
        case .unknownTransferEncoding: return 501
        case .unsupportedVersion: return 505
        default: return 400
        }
    }

    /// Stable snake_case identifier.
    public var code: String {
        switch self {
        case .invalidRequestLine: return "invalid_request_line"
        case .invalidMethod: return "invalid_method"
        case .invalidTarget: return "invalid_target"
        case .uriTooLong: return "uri_too_long"
        case .unsupportedVersion: return "unsupported_version"
        case .invalidStatusLine: return "invalid_status_line"
        case .headerTooLarge: return "header_too_large"
        case .tooManyHeaders: return "too_many_headers"
        case .invalidHeaderName: return "invalid_header_name"
        case .missingColon: return "missing_colon"
        case .whitespaceBeforeColon: return "whitespace_before_colon"
        case .obsFold: return "obs_fold"
        case .invalidHeaderValue: return "invalid_header_value"
        case .bareCR: return "bare_cr"
        case .bareLF: return "bare_lf"
        case .nulByte: return "nul_byte"
        case .missingHost: return "missing_host"
        case .duplicateHost: return "duplicate_host"
        case .invalidHost: return "invalid_host"
        case .invalidConnection: return "invalid_connection"
        case .duplicateUpgrade: return "duplicate_upgrade"
        case .contentLengthWithTransferEncoding: return "content_length_with_transfer_encoding"
        case .invalidContentLength: return "invalid_content_length"
        case .duplicateContentLength: return "duplicate_content_length"
        case .contentLengthOverflow: return "content_length_overflow"
        case .invalidTransferEncoding: return "invalid_transfer_encoding"
        case .transferEncodingNotChunkedLast: return "transfer_encoding_not_chunked_last"
        case .unknownTransferEncoding: return "unknown_transfer_encoding"
        case .chunkedTwice: return "chunked_twice"
        case .transferEncodingInHTTP10: return "transfer_encoding_in_http10"
        case .invalidChunkSize: return "invalid_chunk_size"
        case .chunkSizeOverflow: return "chunk_size_overflow"
        case .invalidChunkExtension: return "invalid_chunk_extension"
        case .chunkExtensionTooLong: return "chunk_extension_too_long"
        case .missingChunkCRLF: return "missing_chunk_crlf"
        case .trailerTooLarge: return "trailer_too_large"
        }
    }

    public var description: String {
        switch self {
        case .invalidRequestLine: return "request line is not `method SP target SP version CRLF`"
        case .invalidMethod: return "method is not a token"
        case .invalidTarget: return "request-target is not valid for the method"
        case .uriTooLong: return "request-target exceeds the URI limit"
        case .unsupportedVersion: return "HTTP version is neither 1.0 nor 1.1"
        case .invalidStatusLine: return "status line is not `version SP 3DIGIT SP reason CRLF`"
        case .headerTooLarge: return "head exceeds the size limit"
        case .tooManyHeaders: return "head has more field lines than the limit"
        case .invalidHeaderName: return "field name is empty or not a token"
        case .missingColon: return "field line has no colon"
        case .whitespaceBeforeColon: return "whitespace between field name and colon"
        case .obsFold: return "obsolete line folding (line starts with whitespace)"
        case .invalidHeaderValue: return "field value contains a control character"
        case .bareCR: return "CR not followed by LF"
        case .bareLF: return "LF not preceded by CR"
        case .nulByte: return "NUL byte in head"
        case .missingHost: return "HTTP/1.1 request without Host"
        case .duplicateHost: return "more than one Host field"
        case .invalidHost: return "Host is not `uri-host [ \":\" port ]`"
        case .invalidConnection: return "Connection element is not a token"
        case .duplicateUpgrade: return "more than one Upgrade field"
        case .contentLengthWithTransferEncoding: return "both Content-Length and Transfer-Encoding"
        case .invalidContentLength: return "Content-Length is not 1*DIGIT"
        case .duplicateContentLength: return "more than one Content-Length field"
        case .contentLengthOverflow: return "Content-Length exceeds 2^63-1"
        case .invalidTransferEncoding: return "Transfer-Encoding element is not a bare coding name"
        case .transferEncodingNotChunkedLast: return "request Transfer-Encoding does not end with chunked"
        case .unknownTransferEncoding: return "unsupported transfer coding"
        case .chunkedTwice: return "chunked applied more than once"
        case .transferEncodingInHTTP10: return "Transfer-Encoding in an HTTP/1.0 message"
        case .invalidChunkSize: return "chunk size is not 1*HEXDIG"
        case .chunkSizeOverflow: return "chunk size has more than 16 hex digits or exceeds 2^63-1"
        case .invalidChunkExtension: return "malformed chunk extension"
        case .chunkExtensionTooLong: return "chunk extension exceeds the limit"
        case .missingChunkCRLF: return "chunk data not followed by CRLF"
        case .trailerTooLarge: return "trailer section exceeds the size or field limit"
        }
    }
}
