/// Writes the framing of the chunked transfer coding (RFC 9112 §7.1) around data the caller
/// sends itself: `hex(size) CRLF`, the data, `CRLF`, and finally `0 CRLF CRLF` (no trailers).
public enum ChunkedEncoder {
    /// The longest chunk header: 16 hex digits and CRLF.
    public static let maxChunkHeaderBytes = 18

    /// Writes `hex(size) CRLF`. `size` must be positive: a zero size is the last chunk.
    public static func writeChunkHeader(size: Int, into writer: inout ByteWriter) {
        precondition(size > 0, "ChunkedEncoder: a chunk of size 0 is the last chunk")
        writer.appendHex(UInt64(size))
        writer.append("\r\n")
    }

    /// Writes the CRLF that follows a chunk's data.
    public static func writeChunkEnd(into writer: inout ByteWriter) {
        writer.append("\r\n")
    }

    /// Writes the last chunk and the empty trailer section: `0 CRLF CRLF`.
    public static func writeLastChunk(into writer: inout ByteWriter) {
        writer.append("0\r\n\r\n")
    }
}
