import XCTest
@testable import Ledger

final class ExportTests: XCTestCase {
    private let settled = Receipt(
        id: "r_aaaaaaaaaaaaaaaaaaaa", paymentKey: "pk1", createdAtMs: 1_704_067_200_123, updatedAtMs: 1_704_067_201_000,
        route: "/api/weather", method: "GET", resource: "http://origin/api/weather?city=Paris,FR", requestID: "req-1",
        payer: "0xpayer", payTo: "0xpayto", scheme: "exact", network: "eip155:8453", asset: "0xusdc",
        amount: units("1000000000000000000000000000001"), x402Version: 2, facilitator: "https://x402.org/facilitator",
        settleMode: .afterResponse, status: .settled, transaction: "0xtx", errorReason: nil, paymentIdentifier: nil,
        lines: [ReceiptLine(recipient: "alice", address: "0xa", network: "eip155:8453", asset: "0xusdc",
                          amount: units("1000000000000000000000000000000")),
                ReceiptLine(recipient: "bob", address: "0xb", network: "eip155:8453", asset: "0xusdc", amount: units("1"))])

    private let failed = Receipt(
        id: "r_bbbbbbbbbbbbbbbbbbbb", paymentKey: "pk2", createdAtMs: 0, updatedAtMs: 5, route: "/q", method: "POST",
        resource: "http://o/q", requestID: "req-2", payer: "0xp", payTo: "0xt", scheme: "exact", network: "base",
        asset: "0xusdc", amount: units("5"), x402Version: 1, facilitator: "embedded", settleMode: .beforeForward,
        status: .failed, transaction: nil, errorReason: "said \"no\"\nthen\ttab \u{1}", paymentIdentifier: "pay_x",
        lines: [])

    func testReceiptsCSVQuotesPerRFC4180() {
        let header = "id,created_at,created_at_ms,updated_at_ms,status,route,method,resource,request_id,payer,pay_to,"
            + "scheme,network,asset,amount,x402_version,facilitator,settle_mode,transaction,error_reason,"
            + "payment_identifier,payment_key,splits\r\n"
        let first = "r_aaaaaaaaaaaaaaaaaaaa,2024-01-01T00:00:00.123Z,1704067200123,1704067201000,settled,/api/weather,GET,"
            + "\"http://origin/api/weather?city=Paris,FR\",req-1,0xpayer,0xpayto,exact,eip155:8453,0xusdc,"
            + "1000000000000000000000000000001,2,https://x402.org/facilitator,after-response,0xtx,,,pk1,"
            + "alice@0xa=1000000000000000000000000000000;bob@0xb=1\r\n"
        let second = "r_bbbbbbbbbbbbbbbbbbbb,1970-01-01T00:00:00.000Z,0,5,failed,/q,POST,http://o/q,req-2,0xp,0xt,exact,"
            + "base,0xusdc,5,1,embedded,before-forward,,\"said \"\"no\"\"\nthen\ttab \u{1}\",pay_x,pk2,\r\n"
        XCTAssertEqual(ReceiptExport.render([settled, failed], as: .csv), header + first + second)
        XCTAssertEqual(ReceiptExport.render([], as: .csv), header)
    }

    func testReceiptsJSONIsExactWithStringAmountsAndEscapes() {
        let expected = #"[{"id":"r_aaaaaaaaaaaaaaaaaaaa","created_at":"2024-01-01T00:00:00.123Z","#
            + #""created_at_ms":1704067200123,"updated_at_ms":1704067201000,"status":"settled","route":"/api/weather","#
            + #""method":"GET","resource":"http://origin/api/weather?city=Paris,FR","request_id":"req-1","#
            + #""payer":"0xpayer","pay_to":"0xpayto","scheme":"exact","network":"eip155:8453","asset":"0xusdc","#
            + #""amount":"1000000000000000000000000000001","x402_version":2,"#
            + #""facilitator":"https://x402.org/facilitator","settle_mode":"after-response","transaction":"0xtx","#
            + #""error_reason":null,"payment_identifier":null,"payment_key":"pk1","lines":["#
            + #"{"recipient":"alice","address":"0xa","network":"eip155:8453","asset":"0xusdc","#
            + #""amount":"1000000000000000000000000000000"},"#
            + #"{"recipient":"bob","address":"0xb","network":"eip155:8453","asset":"0xusdc","amount":"1"}]},"#
            + #"{"id":"r_bbbbbbbbbbbbbbbbbbbb","created_at":"1970-01-01T00:00:00.000Z","created_at_ms":0,"#
            + #""updated_at_ms":5,"status":"failed","route":"/q","method":"POST","resource":"http://o/q","#
            + #""request_id":"req-2","payer":"0xp","pay_to":"0xt","scheme":"exact","network":"base","asset":"0xusdc","#
            + #""amount":"5","x402_version":1,"facilitator":"embedded","settle_mode":"before-forward","#
            + #""transaction":null,"error_reason":"said \"no\"\nthen\ttab \u0001","payment_identifier":"pay_x","#
            + #""payment_key":"pk2","lines":[]}]"#
        XCTAssertEqual(ReceiptExport.render([settled, failed], as: .json), expected)
        XCTAssertEqual(ReceiptExport.render([], as: .json), "[]")
    }

    private let report = PayoutReport(sinceMs: 1_000, untilMs: nil, receiptCount: 3, totals: [
        PayoutTotal(recipient: "alice, inc.", address: "0xa", network: "eip155:8453", asset: "0xusdc",
                    amount: units("340282366920938463463374607431768211455"), payments: 2),
        PayoutTotal(recipient: "bob \"the builder\"", address: "0xb", network: "eip155:8453", asset: "0xusdc",
                    amount: units("0"), payments: 1),
    ])

    func testPayoutsCSV() {
        XCTAssertEqual(PayoutExport.render(report, as: .csv),
                       "recipient,address,network,asset,amount,payments\r\n"
                       + "\"alice, inc.\",0xa,eip155:8453,0xusdc,340282366920938463463374607431768211455,2\r\n"
                       + "\"bob \"\"the builder\"\"\",0xb,eip155:8453,0xusdc,0,1\r\n")
    }

    func testPayoutsJSON() {
        XCTAssertEqual(PayoutExport.render(report, as: .json),
                       #"{"since_ms":1000,"until_ms":null,"receipts":3,"totals":["#
                       + #"{"recipient":"alice, inc.","address":"0xa","network":"eip155:8453","asset":"0xusdc","#
                       + #""amount":"340282366920938463463374607431768211455","payments":2},"#
                       + #"{"recipient":"bob \"the builder\"","address":"0xb","network":"eip155:8453","#
                       + #""asset":"0xusdc","amount":"0","payments":1}]}"#)
    }

    func testCSVFieldQuotingRules() {
        XCTAssertEqual(CSVText.field("plain"), "plain")
        XCTAssertEqual(CSVText.field(""), "")
        XCTAssertEqual(CSVText.field("a,b"), "\"a,b\"")
        XCTAssertEqual(CSVText.field("cr\rhere"), "\"cr\rhere\"")
        XCTAssertEqual(CSVText.field("\""), "\"\"\"\"")
        XCTAssertEqual(CSVText.field(" spaced "), " spaced ", "spaces are data, not quoted")
    }

    func testJSONEscapesEveryControlCharacter() {
        let all = String(String.UnicodeScalarView((0..<0x20).compactMap(Unicode.Scalar.init)))
        XCTAssertEqual(JSONText.string(all + "\\/é😀").rendered,
                       #""\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f"#
                       + #"\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d"#
                       + #"\u001e\u001f\\/é😀""#)
    }
}

final class UTCTimeTests: XCTestCase {
    func testDaysAndTimestamps() {
        let cases: [(Int64, String)] = [
            (0, "1970-01-01T00:00:00.000Z"),
            (86_399_999, "1970-01-01T23:59:59.999Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),      // leap day of a 400-year leap year
            (4_107_542_400_000, "2100-03-01T00:00:00.000Z"),    // 2100 is not a leap year
            (1_709_251_199_999, "2024-02-29T23:59:59.999Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
        ]
        for (millis, expected) in cases {
            XCTAssertEqual(UTCTime.timestamp(millis), expected, "\(millis)")
            XCTAssertEqual(UTCTime.day(millis), String(expected.prefix(10)), "\(millis)")
        }
    }
}
