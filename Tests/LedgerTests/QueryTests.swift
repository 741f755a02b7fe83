import Money
import XCTest
@testable import Ledger

final class QueryTests: LedgerTestCase {
    private let clock = ManualClock(1_700_000_000_000)
    private var ledger: ReceiptLedger!

    override func setUpWithError() throws {
        try super.setUpWithError()
        ledger = try openLedger(options: StoreOptions(clock: clock.clock))
    }

    override func tearDownWithError() throws {
        ledger?.close()
        ledger = nil
        try super.tearDownWithError()
    }

    /// Creates a receipt at `time` and settles it to the given lines (or leaves it `status`).
    @discardableResult
    private func receipt(_ key: String, at time: Int64, amount: String = "1000", route: String = "/a",
                         payer: String = "0xp1", asset: String = "0xusdc", lines: [ReceiptLine]? = nil,
                         status: ReceiptStatus = .settled) throws -> String {
        clock.set(time)
        let id = try ledger.created(draft(key, amount: amount, route: route, payer: payer, asset: asset))
        switch status {
        case .settled:
            let split = lines ?? [line("owner", "0xowner", amount, asset: asset)]
            _ = try ledger.completeNow(id, .settled(transaction: "0x" + key, payer: payer, lines: split)).get()
        case .failed: _ = try ledger.completeNow(id, .failed(reason: "nope")).get()
        case .pending: _ = try ledger.completeNow(id, .pending(transaction: nil, reason: "wait")).get()
        case .settling: break
        }
        return id
    }

    private func ids(_ filter: ReceiptFilter) throws -> [String] {
        try ledger.reader.receipts(filter: filter).receipts.map(\.paymentKey)
    }

    func testFiltersNarrowTheListing() throws {
        try receipt("a1", at: 1_000, route: "/a", payer: "0xp1")
        try receipt("a2", at: 2_000, route: "/a", payer: "0xp2", status: .failed)
        try receipt("b1", at: 3_000, route: "/b", payer: "0xp1",
                    lines: [line("alice", "0xalice", "600"), line("bob", "0xbob", "400")])
        try receipt("b2", at: 4_000, route: "/b", payer: "0xp2", status: .pending)
        try receipt("c1", at: 5_000, route: "/c", payer: "0xp1", status: .settling)

        XCTAssertEqual(try ids(ReceiptFilter()), ["c1", "b2", "b1", "a2", "a1"], "newest first")
        XCTAssertEqual(try ids(ReceiptFilter(route: "/b")), ["b2", "b1"])
        XCTAssertEqual(try ids(ReceiptFilter(payer: "0xp1")), ["c1", "b1", "a1"])
        XCTAssertEqual(try ids(ReceiptFilter(status: .settled)), ["b1", "a1"])
        XCTAssertEqual(try ids(ReceiptFilter(sinceMs: 2_000, untilMs: 4_000)), ["b1", "a2"], "since inclusive, until exclusive")
        XCTAssertEqual(try ids(ReceiptFilter(recipientAddress: "0xbob")), ["b1"])
        XCTAssertEqual(try ids(ReceiptFilter(route: "/b", payer: "0xp1", status: .settled, sinceMs: 3_000,
                                             recipientAddress: "0xalice")), ["b1"])
        XCTAssertEqual(try ids(ReceiptFilter(route: "/none")), [])

        let b1 = try XCTUnwrap(ledger.reader.receipts(filter: ReceiptFilter(route: "/b", status: .settled)).receipts.first)
        XCTAssertEqual(b1.lines.map(\.recipient), ["alice", "bob"], "listed receipts carry their split lines in order")

        XCTAssertEqual(try ledger.reader.unresolved().map(\.paymentKey), ["b2", "c1"], "settling and pending, oldest first")
        XCTAssertEqual(try ledger.reader.counts(), ReceiptCounts(byStatus: [.settled: 2, .failed: 1, .pending: 1, .settling: 1]))
        XCTAssertEqual(try ledger.reader.receipt(paymentKey: "b1")?.lines.count, 2)
        XCTAssertNil(try ledger.reader.receipt(paymentKey: "zz"))

        for limit in [0, -1, ReceiptFilter.maxLimit + 1] {
            XCTAssertThrowsError(try ledger.reader.receipts(filter: ReceiptFilter(limit: limit))) {
                XCTAssertEqual($0 as? LedgerError, .invalidLimit(limit))
            }
        }
    }

    func testCursorTokensRoundTripAndRejectGarbage() {
        let cursor = ReceiptCursor(createdAtMs: 1_700_000_000_123, id: "r_abc.def")
        XCTAssertEqual(cursor.token, "1700000000123.r_abc.def")
        XCTAssertEqual(ReceiptCursor(token: cursor.token), cursor)
        for bad in ["", ".", "12.", ".r_a", "x.r_a", "-5.r_a", "r_a"] {
            XCTAssertNil(ReceiptCursor(token: bad), bad)
        }
    }

    func testPaginationHasNoDuplicatesOrGapsWhileRowsArrive() throws {
        // 300 rows, many sharing a millisecond so the id tie-break matters.
        var existing: Set<String> = []
        for index in 0..<300 {
            existing.insert(try receipt("old-\(index)", at: 10_000 + Int64(index / 7), status: .settling))
        }
        clock.set(50_000)

        var seen: [String] = []
        var filter = ReceiptFilter(limit: 13)
        var pages = 0
        var arrivals = 0
        repeat {
            let page = try ledger.reader.receipts(filter: filter)
            seen += page.receipts.map(\.id)
            filter.after = page.nextCursor
            pages += 1
            // New payments commit between every two page reads (OFFSET paging would repeat rows).
            for _ in 0..<5 {
                clock.advance(1)
                _ = try ledger.created(draft("new-\(arrivals)"))
                arrivals += 1
            }
        } while filter.after != nil

        XCTAssertEqual(seen.count, Set(seen).count, "no receipt appears on two pages")
        XCTAssertTrue(existing.isSubset(of: Set(seen)), "every receipt that existed before paging is listed")
        XCTAssertGreaterThanOrEqual(pages, 300 / 13)
    }

    func testPayoutsSumExactlyWithHugeAmounts() throws {
        // Amounts near 10^30 units: far beyond Int64 and Double precision.
        let big = "999999999999999999999999999999"          // 10^30 - 1
        let share = "333333333333333333333333333333"
        try receipt("p1", at: 1_000, amount: big,
                    lines: [line("alice", "0xa", share), line("bob", "0xb", share), line("carol", "0xc", share)])
        try receipt("p2", at: 2_000, amount: "1000000000000000000000000000001",
                    lines: [line("alice", "0xa", "1000000000000000000000000000000"), line("bob", "0xb", "1")])
        try receipt("p3", at: 3_000, amount: "7", lines: [line("alice", "0xa", "7", asset: "0xother")])
        try receipt("p4", at: 4_000, amount: big, status: .failed)
        try receipt("p5", at: 5_000, amount: big, status: .pending)

        let report = try ledger.reader.payouts()
        XCTAssertEqual(report.receiptCount, 3)
        XCTAssertEqual(report.totals, [
            PayoutTotal(recipient: "alice", address: "0xa", network: "eip155:84532", asset: "0xother",
                        amount: units("7"), payments: 1),
            PayoutTotal(recipient: "alice", address: "0xa", network: "eip155:84532", asset: "0xusdc",
                        amount: units("1333333333333333333333333333333"), payments: 2),
            PayoutTotal(recipient: "bob", address: "0xb", network: "eip155:84532", asset: "0xusdc",
                        amount: units("333333333333333333333333333334"), payments: 2),
            PayoutTotal(recipient: "carol", address: "0xc", network: "eip155:84532", asset: "0xusdc",
                        amount: units("333333333333333333333333333333"), payments: 1),
        ])
        let sum = report.totals.filter { $0.asset == "0xusdc" }.map(\.amount).checkedSum()
        XCTAssertEqual(sum, units("2000000000000000000000000000000"), "payouts add up exactly to what was paid")

        let windowed = try ledger.reader.payouts(sinceMs: 2_000, untilMs: 3_000)
        XCTAssertEqual(windowed.receiptCount, 1)
        XCTAssertEqual(windowed.totals.map(\.amount), [units("1000000000000000000000000000000"), units("1")])
        XCTAssertEqual(windowed.sinceMs, 2_000)
    }

    func testTotalsThatOverflowAreReportedNotWrapped() throws {
        let max = String(UInt128.max)
        try receipt("m1", at: 1_000, amount: max)
        try receipt("m2", at: 2_000, amount: "1")
        XCTAssertThrowsError(try ledger.reader.payouts()) {
            XCTAssertEqual(($0 as? LedgerError)?.code, "total_overflow")
        }
        XCTAssertThrowsError(try ledger.reader.revenue(groupBy: .route))
        XCTAssertEqual(try ledger.reader.revenue(groupBy: .route, sinceMs: 1_500).map(\.amount), [units("1")])
    }

    func testRevenueByDayUsesUTCDayBoundaries() throws {
        let day = Int64(86_400_000)
        let jan1 = Int64(1_704_067_200_000)   // 2024-01-01T00:00:00Z
        try receipt("d1", at: jan1 - 1, amount: "1")              // 2023-12-31T23:59:59.999Z
        try receipt("d2", at: jan1, amount: "10")                 // first millisecond of 2024
        try receipt("d3", at: jan1 + day - 1, amount: "100")      // last millisecond of Jan 1
        try receipt("d4", at: jan1 + day, amount: "1000", asset: "0xeurc")
        try receipt("d5", at: jan1 + day + 5, amount: "10000")
        try receipt("d6", at: jan1 + 59 * day, amount: "5", status: .failed)   // not revenue
        try receipt("leap", at: jan1 + 59 * day + 1, amount: "3")              // 2024-02-29

        let byDay = try ledger.reader.revenue(groupBy: .day)
        XCTAssertEqual(byDay.map { "\($0.group) \($0.asset) \($0.amount) \($0.payments)" }, [
            "2023-12-31 0xusdc 1 1",
            "2024-01-01 0xusdc 110 2",
            "2024-01-02 0xeurc 1000 1",
            "2024-01-02 0xusdc 10000 1",
            "2024-02-29 0xusdc 3 1",
        ])
        XCTAssertEqual(try ledger.reader.revenue(groupBy: .day, sinceMs: jan1, untilMs: jan1 + day).map(\.amount),
                       [units("110")])
    }

    func testRevenueByRouteAndRecipient() throws {
        try receipt("r1", at: 1, amount: "100", route: "/x", lines: [line("alice", "0xa", "60"), line("bob", "0xb", "40")])
        try receipt("r2", at: 2, amount: "50", route: "/y", lines: [line("alice", "0xa2", "50")])
        try receipt("r3", at: 3, amount: "25", route: "/x", lines: [line("bob", "0xb", "25")])
        XCTAssertEqual(try ledger.reader.revenue(groupBy: .route).map { "\($0.group)=\($0.amount)/\($0.payments)" },
                       ["/x=125/2", "/y=50/1"])
        XCTAssertEqual(try ledger.reader.revenue(groupBy: .recipient).map { "\($0.group)=\($0.amount)/\($0.payments)" },
                       ["alice=110/2", "bob=65/2"], "a recipient's addresses are summed under its name")
    }
}
