import JSON
import Money
import Upstream
import Wallet
import X402
import XCTest

/// Reading 402 challenges: v2 header first, v1 body second, every option on its own, and a
/// clear error (never a guess) for anything else.
final class ChallengeTests: XCTestCase {
    func testReadsTheReferenceServersV2ChallengeKeepingEachOptionVerbatim() throws {
        let answer = Fixture.response(402, [("payment-required", Fixture.referenceHeader)], "{}")
        let challenge = try PaymentChallenge.read(from: answer)
        XCTAssertEqual(challenge.version, .v2)
        XCTAssertEqual(challenge.error, "Payment required")
        XCTAssertEqual(challenge.resource?["url"]?.stringValue, "http://127.0.0.1:47020/weather")
        XCTAssertNil(challenge.extensions)
        let option = try XCTUnwrap(challenge.options.first)
        XCTAssertEqual(option.number, 1)
        XCTAssertEqual(option.raw.objectValue?.keys, ["scheme", "network", "asset", "amount", "payTo", "maxTimeoutSeconds", "extra"],
                       "the server's own key order is kept")
        let requirement = try option.offer.get().requirement
        XCTAssertEqual(requirement.network, .baseSepolia)
        XCTAssertEqual(requirement.amount, TokenAmount(units: 1000))
    }

    func testReadsAV1BodyWhenThereIsNoHeader() throws {
        let challenge = try PaymentChallenge.read(from: Fixture.v1([Fixture.v1Option()]))
        XCTAssertEqual(challenge.version, .v1)
        XCTAssertNil(challenge.resource)
        guard case .v1(let requirement) = try challenge.options[0].offer.get() else { return XCTFail("not a v1 offer") }
        XCTAssertEqual(requirement.network, .baseSepolia, "v1 name read as the network")
        XCTAssertEqual(try challenge.options[0].offer.get().requirement.amount, TokenAmount(units: 1000))
    }

    func testTheHeaderWinsOverABody() throws {
        var answer = Fixture.v2([Fixture.option()])
        answer = ClientResponse(status: 402, headers: answer.headers, body: Fixture.v1([Fixture.v1Option()]).body)
        XCTAssertEqual(try PaymentChallenge.read(from: answer).version, .v2)
    }

    func testAnUnreadableOptionDoesNotHideTheOthers() throws {
        let broken: JSONValue = ["scheme": "exact", "network": "solana", "amount": "-1"]
        let challenge = try PaymentChallenge.read(from: Fixture.v2([broken, Fixture.option()]))
        XCTAssertEqual(challenge.options.count, 2)
        XCTAssertThrowsError(try challenge.options[0].offer.get())
        XCTAssertNoThrow(try challenge.options[1].offer.get())
        XCTAssertEqual(challenge.options[1].number, 2)
        XCTAssertTrue(challenge.options[0].summary.contains("exact on solana"), challenge.options[0].summary)
    }

    func testMalformedChallengesAreErrorsWithStableCodes() throws {
        func header(_ text: String) -> ClientResponse { Fixture.response(402, [("PAYMENT-REQUIRED", text)], "{}") }
        func json(_ value: JSONValue) -> ClientResponse { header(PaymentHeader.encode(value)) }
        let cases: [(ClientResponse, String)] = [
            (Fixture.response(402, [], "{}"), "no_challenge"),
            (Fixture.response(402, [], "<html>pay me</html>"), "no_challenge"),
            (Fixture.response(402, [], #"{"x402Version":2,"accepts":[]}"#), "no_challenge"),
            (header("not base64!"), "undecodable_challenge"),
            (header(Base64.encode(Array("{not json".utf8))), "undecodable_challenge"),
            (json(["x402Version": 1, "resource": ["url": "u"], "accepts": []]), "invalid_challenge"),
            (json(["x402Version": 2, "accepts": [Fixture.option()]]), "invalid_challenge"),
            (json(["x402Version": 2, "resource": ["url": 5], "accepts": [Fixture.option()]]), "invalid_challenge"),
            (json(["x402Version": 2, "resource": ["url": "u"], "accepts": "all"]), "invalid_challenge"),
            (json(["x402Version": 2, "resource": ["url": "u"], "accepts": [], "extensions": 3]), "invalid_challenge"),
            (json(["x402Version": 2, "resource": ["url": "u"], "accepts": []]), "empty_challenge"),
            (Fixture.response(402, [], #"{"x402Version":1,"accepts":{}}"#), "invalid_challenge"),
            (Fixture.response(402, [], #"{"x402Version":1,"accepts":[]}"#), "empty_challenge"),
        ]
        for (answer, code) in cases {
            XCTAssertThrowsError(try PaymentChallenge.read(from: answer), code) { error in
                XCTAssertEqual((error as? ChallengeError)?.code, code, "\(error)")
                XCTAssertFalse("\(error)".isEmpty)
            }
        }
    }
}
