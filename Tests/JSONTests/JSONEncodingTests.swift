import JSON
import XCTest

/// The encoder against outputs of node's `JSON.stringify` (v18), and parse/encode round trips.
final class JSONEncodingTests: XCTestCase {
    func testControlCharactersMatchJSONStringify() {
        let allControls = String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) })
        // node -e 'let s=""; for(let c=0;c<32;c++) s+=String.fromCharCode(c); console.log(JSON.stringify(s))'
        let expected = #""\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f""#
        XCTAssertEqual(JSONValue.string(allControls).encodedString(), expected)
    }

    func testNoEscapingOfSlashDeleteOrNonASCII() {
        let value: JSONValue = [
            "a/b": "x\u{7F}\u{2028}\u{2029}é😀\"\\",
            "k": [1, nil, true, false, [:]],
            "": "",
        ]
        // node: JSON.stringify({"a/b":"x\u007f\u2028\u2029é😀\"\\","k":[1,null,true,false,{}],"":""})
        XCTAssertEqual(value.encodedString(), "{\"a/b\":\"x\u{7F}\u{2028}\u{2029}é😀\\\"\\\\\",\"k\":[1,null,true,false,{}],\"\":\"\"}")
    }

    func testEncodeAppendsToTheCallersBuffer() {
        var buffer = Array("prefix:".utf8)
        JSONValue.array(["a", 1]).encode(into: &buffer)
        XCTAssertEqual(String(decoding: buffer, as: UTF8.self), "prefix:[\"a\",1]")
    }

    func testCompactDocumentsRoundTripByteForByte() throws {
        let documents = [
            #"{"x402Version":2,"resource":{"url":"https://api.example.com/premium-data","description":"Access to premium market data","mimeType":"application/json"},"accepted":{"scheme":"exact","network":"eip155:84532","amount":"10000","asset":"0x036CbD53842c5426634e7929541eC2318f3dCF7e","payTo":"0x209693Bc6afc0C5328bA36FaF03C514EF312287C","maxTimeoutSeconds":60,"extra":{"name":"USDC","version":"2"}}}"#,
            #"[1,-0.5,1e400,"\u0000\n",{"z":1,"a":2,"m":{"":[]}},[[[]]],true,false,null]"#,
            #"{"é":"😀","a/b":"c/d","q":"\"\\"}"#,
            #""\u001f\b\f\r\t""#,
            "{}", "[]", "0", "\"\"",
        ]
        for document in documents {
            XCTAssertEqual(try JSONParser.parse(document).encodedString(), document)
        }
    }

    func testEscapesNormaliseToStringifyForm() throws {
        // Escapes that JSON.stringify would not produce come back in its canonical form.
        XCTAssertEqual(try JSONParser.parse(#""\/\u0041\u00e9\ud83d\ude00\u001F""#).encodedString(), "\"/Aé😀\\u001f\"")
        XCTAssertEqual(try JSONParser.parse("{ \"a\" : [ 1 , 2 ] }").encodedString(), "{\"a\":[1,2]}")
    }
}
