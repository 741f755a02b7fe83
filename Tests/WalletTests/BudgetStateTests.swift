import JSON
import Money
import Wallet
import X402
import XCTest

/// The budget rules: the lowest budget given stays in force, a reservation counts before
/// signing, and only a proven refusal gives the amount back.
final class BudgetStateTests: XCTestCase {
    private let owner = "0x857b06519E91e3A54538791bDbb0E22373e36b66"

    private func record(_ id: String, amount: UInt128 = 1000, network: Network = .baseSepolia,
                        asset: String = Fixture.usdc.address, decimals: Int = 6) -> PaymentRecord {
        PaymentRecord(id: id, time: Fixture.now, url: Fixture.url, network: network, asset: asset, decimals: decimals,
                      amount: TokenAmount(units: amount), payTo: Fixture.payTo)
    }

    func testTheLowestBudgetGivenStaysInForce() {
        var state = BudgetState(owner: owner)
        XCTAssertEqual(state.applyBudget(Fixture.dollars("$1")), Fixture.dollars("$1"))
        XCTAssertEqual(state.applyBudget(Fixture.dollars("$5")), Fixture.dollars("$1"), "raising needs a reset")
        XCTAssertEqual(state.budget, Fixture.dollars("$1"))
        XCTAssertEqual(state.applyBudget(Fixture.dollars("$0.25")), Fixture.dollars("$0.25"), "lowering is honoured")
        XCTAssertEqual(state.budget, Fixture.dollars("$0.25"))
    }

    func testReservationsAddUpPerNetworkAndAsset() {
        var state = BudgetState(owner: owner)
        XCTAssertTrue(state.reserve(record("a", amount: 1000)))
        XCTAssertTrue(state.reserve(record("b", amount: 2500, asset: Fixture.usdc.address.lowercased())))
        XCTAssertTrue(state.reserve(record("c", amount: 7, network: DevelopmentNetwork.network,
                                           asset: DevelopmentNetwork.asset.address)))
        XCTAssertTrue(state.reserve(record("d", amount: 1_000_000_000_000_000, network: .eip155(4326),
                                           asset: "0xFAfDdbb3FC7688494971a79cc65DCa3EF82079E7", decimals: 18)))
        XCTAssertEqual(state.spent.count, 3, "one total per (network, asset), addresses in any case")
        XCTAssertEqual(state.spent[0].amount, TokenAmount(units: 3500))
        XCTAssertEqual(state.spentTotal, Fixture.dollars("$0.004507"), "18- and 6-decimal assets add up exactly")
        XCTAssertEqual(state.payments.map(\.status), [.reserved, .reserved, .reserved, .reserved])
    }

    func testOnlyARefundGivesTheAmountBack() {
        for status in PaymentStatus.allCases {
            var state = BudgetState(owner: owner)
            XCTAssertTrue(state.reserve(record("a", amount: 1000)))
            XCTAssertTrue(state.reserve(record("b", amount: 400)))
            state.resolve(id: "a", status: status, transaction: "0xt", note: "why")
            XCTAssertEqual(state.spent[0].amount, TokenAmount(units: status == .refunded ? 400 : 1400), "\(status)")
            XCTAssertEqual(state.payments[0].status, status)
            XCTAssertEqual(state.payments[0].transaction, "0xt")
            XCTAssertEqual(state.payments[0].note, "why")
        }
    }

    func testAnOutcomeIsRecordedOnceAndUnknownIdsChangeNothing() {
        var state = BudgetState(owner: owner)
        XCTAssertTrue(state.reserve(record("a", amount: 1000)))
        state.resolve(id: "a", status: .refunded, transaction: nil, note: nil)
        state.resolve(id: "a", status: .refunded, transaction: nil, note: nil)
        XCTAssertEqual(state.spent[0].amount, .zero, "not refunded twice")
        XCTAssertTrue(state.reserve(record("b", amount: 1000)))
        let before = state
        state.resolve(id: "missing", status: .refunded, transaction: nil, note: nil)
        XCTAssertEqual(state, before)
    }

    func testAReservationThatWouldOverflowIsRefused() {
        var state = BudgetState(owner: owner)
        XCTAssertTrue(state.reserve(record("a", amount: .max)))
        let before = state
        XCTAssertFalse(state.reserve(record("b", amount: 1)))
        XCTAssertEqual(state, before)
    }

    func testTheLogKeepsTheNewestPaymentsAndTheTotalsKeepEverything() {
        var state = BudgetState(owner: owner)
        for index in 0..<(BudgetState.maxPayments + 5) {
            XCTAssertTrue(state.reserve(record("p\(index)", amount: 1)))
        }
        XCTAssertEqual(state.payments.count, BudgetState.maxPayments)
        XCTAssertEqual(state.payments.first?.id, "p5")
        XCTAssertEqual(state.spent[0].amount, TokenAmount(units: UInt128(BudgetState.maxPayments + 5)))
    }

    func testJSONRoundTripAndStrictDecoding() throws {
        var state = BudgetState(owner: owner)
        _ = state.applyBudget(Fixture.dollars("$0.5"))
        XCTAssertTrue(state.reserve(record("a")))
        state.resolve(id: "a", status: .settled, transaction: "0xabc", note: nil)
        XCTAssertTrue(state.reserve(record("b")))
        let json = state.jsonValue
        XCTAssertEqual(try JSONCursor(try JSONParser.parse(json.encoded())).decode(BudgetState.self), state)
        XCTAssertEqual(json["budget"], "0.5")
        XCTAssertEqual(json["spent"]?.arrayValue?.first?["amount"], "2000")
        XCTAssertEqual(json["payments"]?.arrayValue?.first?["status"], "settled")

        func mutated(_ change: (inout JSONObject) -> Void) -> JSONValue {
            var object = json.objectValue!
            change(&object)
            return .object(object)
        }
        let broken: [JSONValue] = [
            mutated { $0["version"] = 2 },
            mutated { $0["extra"] = 1 },
            mutated { $0["budget"] = "-1" },
            mutated { $0["spent"] = [["network": "eip155:84532", "asset": "0x", "decimals": 40, "amount": "1"]] },
            mutated { $0["spent"] = [["network": "base", "asset": "0x", "decimals": 6, "amount": "1"]] },
            mutated { $0["spent"] = [["network": "eip155:84532", "asset": "0x", "decimals": 6, "amount": "01"]] },
            mutated { $0["payments"] = [json["payments"]!.arrayValue![0].objectValue!.merging(["status": "lost"])] },
            mutated { $0["owner"] = nil },
        ]
        for value in broken {
            XCTAssertThrowsError(try JSONCursor(value).decode(BudgetState.self), value.encodedString())
        }
    }
}

private extension JSONObject {
    func merging(_ other: JSONObject) -> JSONValue {
        var merged = self
        for (key, value) in other { merged[key] = value }
        return .object(merged)
    }
}
