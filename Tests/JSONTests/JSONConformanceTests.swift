import JSON
import XCTest

/// RFC 8259 accept/reject tables, modelled on the shapes of the JSONTestSuite (y_/n_ cases).
final class JSONConformanceTests: XCTestCase {
    func testAcceptsValidDocuments() throws {
        let accepted: [(String, JSONValue)] = [
            ("0", .number("0")),
            ("-0", .number("-0")),
            ("1.5e+10", .number("1.5e+10")),
            ("-12.0E-3", .number("-12.0E-3")),
            ("true", true),
            ("false", false),
            ("null", nil),
            ("\"\"", ""),
            (" \t\r\n[ ] \n", []),
            ("{}", [:]),
            ("[1,[2,[3]]]", [1, [2, [3]]]),
            ("{\"a\":{\"b\":[]}}", ["a": ["b": []]]),
            ("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\u{08}\u{0C}\n\r\t"),
            ("\"\\u00e9\\u00E9\"", "éé"),
            ("\"\\ud83d\\ude00\"", "😀"),
            ("\"\\u0000\"", "\u{0}"),
            ("\"é😀\u{7F}\"", "é😀\u{7F}"),
            ("\"\u{2028}\"", "\u{2028}"),
            ("{\"\":0}", ["": 0]),
        ]
        for (text, expected) in accepted {
            XCTAssertEqual(try JSONParser.parse(text), expected, text)
        }
    }

    func testRejectsMalformedDocuments() {
        let rejected: [(String, JSONError.Kind)] = [
            ("", .unexpectedEnd),
            ("   ", .unexpectedEnd),
            ("[", .unexpectedEnd),
            ("[1", .unexpectedEnd),
            ("{\"a\"", .unexpectedEnd),
            ("{\"a\":", .unexpectedEnd),
            ("\"abc", .unexpectedEnd),
            ("[1,]", .trailingComma),
            ("{\"a\":1,}", .trailingComma),
            ("[,1]", .unexpectedCharacter),
            ("[1 2]", .unexpectedCharacter),
            ("{\"a\" 1}", .unexpectedCharacter),
            ("{a:1}", .unexpectedCharacter),
            ("{'a':1}", .unexpectedCharacter),
            ("['a']", .unexpectedCharacter),
            ("[1]]", .trailingData),
            ("1 2", .trailingData),
            ("{} x", .trailingData),
            ("[1] // comment", .trailingData),
            ("/* c */ 1", .unexpectedCharacter),
            ("01", .invalidNumber),
            ("-01", .invalidNumber),
            ("1.", .invalidNumber),
            ("1.e3", .invalidNumber),
            (".1", .unexpectedCharacter),
            ("-", .invalidNumber),
            ("- 1", .invalidNumber),
            ("1e", .invalidNumber),
            ("1e+", .invalidNumber),
            ("+1", .unexpectedCharacter),
            ("NaN", .unexpectedCharacter),
            ("Infinity", .unexpectedCharacter),
            ("-Infinity", .invalidNumber),
            ("0x10", .trailingData),
            ("tru", .unexpectedEnd),
            ("truth", .unexpectedCharacter),
            ("nul", .unexpectedEnd),
            ("True", .unexpectedCharacter),
            ("\"\\x41\"", .invalidEscape),
            ("\"\\u12\"", .invalidEscape),
            ("\"\\u12G4\"", .invalidEscape),
            ("\"\\'\"", .invalidEscape),
            ("\"\\ud800\"", .loneSurrogate),
            ("\"\\udc00\"", .loneSurrogate),
            ("\"\\ud800\\u0041\"", .loneSurrogate),
            ("\"\\ud800x\"", .loneSurrogate),
            ("\"a\tb\"", .controlCharacter),
            ("\"a\nb\"", .controlCharacter),
            ("\"\u{0}\"", .controlCharacter),
            ("\u{C}1", .unexpectedCharacter),
            ("\u{A0}1", .unexpectedCharacter),
            ("\u{FEFF}{}", .unexpectedCharacter),
            ("{\"a\":1,\"a\":2}", .duplicateKey),
            ("{\"a\":1,\"b\":{\"c\":1,\"c\":1}}", .duplicateKey),
        ]
        for (text, kind) in rejected {
            XCTAssertThrowsError(try JSONParser.parse(text), text) { error in
                XCTAssertEqual((error as? JSONError)?.kind, kind, "\(text): \(error)")
            }
        }
    }

    func testRejectsInvalidUTF8() {
        let sequences: [[UInt8]] = [
            [0x80],                   // lone continuation byte
            [0xC0, 0xAF],             // overlong "/"
            [0xC1, 0xBF],             // overlong
            [0xE0, 0x80, 0xAF],       // overlong 3-byte
            [0xED, 0xA0, 0x80],       // encoded surrogate U+D800
            [0xF0, 0x80, 0x80, 0xAF], // overlong 4-byte
            [0xF4, 0x90, 0x80, 0x80], // above U+10FFFF
            [0xF5, 0x80, 0x80, 0x80], // invalid lead
            [0xFF],
            [0xC3],                   // truncated at the closing quote
            [0xE2, 0x82],             // truncated
        ]
        for sequence in sequences {
            let document = [UInt8(ascii: "\"")] + sequence + [UInt8(ascii: "\"")]
            XCTAssertThrowsError(try JSONParser.parse(document), "\(sequence)") { error in
                XCTAssertEqual((error as? JSONError)?.kind, .invalidUTF8, "\(sequence)")
            }
        }
        XCTAssertEqual(try JSONParser.parse([0x22, 0xF4, 0x8F, 0xBF, 0xBF, 0x22]), .string("\u{10FFFF}"))
    }

    func testInvalidUTF8InEscapedStringIsRejected() {
        let document: [UInt8] = Array("\"\\n".utf8) + [0xC0, 0xAF] + [0x22]
        XCTAssertThrowsError(try JSONParser.parse(document)) { error in
            XCTAssertEqual((error as? JSONError)?.kind, .invalidUTF8)
        }
    }

    /// Plain string content is skipped 8 bytes at a time: every byte that needs a closer look
    /// (quote, backslash, control, DEL's neighbours, non-ASCII) is found at every offset within
    /// and across words, in strings long and short.
    func testEveryByteThatEndsAPlainRunIsSeenAtEveryOffset() throws {
        let probes: [(bytes: [UInt8], parsed: String?)] = [
            (Array(#"\""#.utf8), "\""), (Array(#"\\"#.utf8), "\\"), (Array(#"\n"#.utf8), "\n"),
            (Array(#"\u00e9"#.utf8), "é"), (Array("é".utf8), "é"), (Array("😀".utf8), "😀"),
            ([0x7F], "\u{7F}"), ([0x7E], "~"), ([0x20], " "), ([0x21], "!"),
            ([0x1F], nil), ([0x00], nil), ([0x0A], nil), ([0x80], nil), ([0xFF], nil),
            ([0xC3], nil), // a lead byte whose continuation is missing: refused at the byte after it
        ]
        for (probe, parsed) in probes {
            for before in 0..<20 {
                for after in [0, 1, 7, 8, 9, 17] {
                    let content = Array(repeating: UInt8(ascii: "a"), count: before) + probe
                        + Array(repeating: UInt8(ascii: "b"), count: after)
                    let document = [UInt8(ascii: "\"")] + content + [UInt8(ascii: "\"")]
                    let context = "probe \(probe) after \(before) bytes, \(after) after"
                    if let parsed {
                        let expected = String(repeating: "a", count: before) + parsed + String(repeating: "b", count: after)
                        XCTAssertEqual(try JSONParser.parse(document), .string(expected), context)
                    } else {
                        XCTAssertThrowsError(try JSONParser.parse(document), context) { error in
                            XCTAssertEqual((error as? JSONError)?.offset, 1 + before + (probe == [0xC3] ? 1 : 0), context)
                        }
                    }
                }
            }
        }
        // A quote in the middle of a word ends the string there.
        XCTAssertEqual(try JSONParser.parse(Array(#"["abcdefghij","k"]"#.utf8)), .array([.string("abcdefghij"), .string("k")]))
        XCTAssertThrowsError(try JSONParser.parse(Array(#""abcdefghijklmnop"#.utf8)), "unterminated")
    }

    func testDepthLimit() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        XCTAssertNoThrow(try JSONParser.parse(ok))
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        XCTAssertThrowsError(try JSONParser.parse(deep)) { error in
            XCTAssertEqual((error as? JSONError)?.kind, .tooDeep)
            XCTAssertEqual((error as? JSONError)?.offset, 64)
        }
        let objects = String(repeating: "{\"a\":", count: 3) + "1" + String(repeating: "}", count: 3)
        XCTAssertThrowsError(try JSONParser.parse(objects, limits: JSONLimits(maxDepth: 2)))
        XCTAssertNoThrow(try JSONParser.parse(objects, limits: JSONLimits(maxDepth: 3)))
    }

    func testDepthCapProtectsTheStack() {
        XCTAssertEqual(JSONLimits(maxDepth: 1_000_000).maxDepth, JSONLimits.depthCap)
        let hostile = String(repeating: "[", count: 100_000)
        XCTAssertThrowsError(try JSONParser.parse(hostile, limits: JSONLimits(maxDepth: 1_000_000))) { error in
            XCTAssertEqual((error as? JSONError)?.kind, .tooDeep)
        }
    }

    func testSizeLimit() {
        XCTAssertNoThrow(try JSONParser.parse("[1,2]", limits: JSONLimits(maxBytes: 5)))
        XCTAssertThrowsError(try JSONParser.parse("[1,2] ", limits: JSONLimits(maxBytes: 5))) { error in
            XCTAssertEqual((error as? JSONError)?.kind, .tooLarge)
        }
    }

    func testErrorPositionAndDescription() {
        let text = "{\n  \"amount\": \"1\",\n  \"é\": 01\n}"
        XCTAssertThrowsError(try JSONParser.parse(text)) { error in
            guard let error = error as? JSONError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.code, "invalid_number")
            XCTAssertEqual(error.line, 3)
            XCTAssertEqual(error.column, 9)
            XCTAssertEqual(error.offset, 28)
            XCTAssertEqual(error.description, "invalid_number at line 3, column 9 (byte 28): leading zeros are not allowed")
        }
        XCTAssertThrowsError(try JSONParser.parse("{\"a\":1,\"a\":2}")) { error in
            XCTAssertEqual("\(error)", "duplicate_key at line 1, column 8 (byte 7): the key \"a\" appears more than once")
        }
        XCTAssertThrowsError(try JSONParser.parse("[1}")) { error in
            XCTAssertEqual("\(error)", "unexpected_character at line 1, column 3 (byte 2): expected ',' or ']', found '}'")
        }
    }

    func testRawBufferAndByteArrayEntryPoints() throws {
        let bytes = Array("{\"k\":[true]}".utf8)
        let viaArray = try JSONParser.parse(bytes)
        let viaBuffer = try bytes.withUnsafeBytes { raw in try JSONParser.parse(raw) }
        XCTAssertEqual(viaArray, ["k": [true]])
        XCTAssertEqual(viaBuffer, viaArray)
    }

    func testLargeObjectsUseTheIndexAndStillDetectDuplicates() throws {
        let members = (0..<100).map { "\"k\($0)\":\($0)" }
        let object = try XCTUnwrap(JSONParser.parse("{" + members.joined(separator: ",") + "}").objectValue)
        XCTAssertEqual(object.count, 100)
        XCTAssertEqual(object["k73"], 73)
        XCTAssertEqual(object.keys.first, "k0")
        XCTAssertThrowsError(try JSONParser.parse("{" + members.joined(separator: ",") + ",\"k42\":0}")) { error in
            XCTAssertEqual((error as? JSONError)?.kind, .duplicateKey)
        }
    }
}
