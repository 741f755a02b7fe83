import Money
import XCTest

final class SplitTests: XCTestCase {
    private func recipient(_ name: String, _ share: Share) -> SplitRecipient {
        SplitRecipient(name: name, address: "0x" + name, share: share)
    }

    private func amounts(_ split: Split, _ amount: UInt128, decimals: Int = 6) throws -> [UInt128] {
        try split.allocate(TokenAmount(units: amount), decimals: decimals).map(\.amount.units)
    }

    private func splitError(_ body: () throws -> Void) -> SplitError? {
        do {
            try body()
            return nil
        } catch {
            return error as? SplitError
        }
    }

    func testHalfAndHalfOfOddAmounts() throws {
        let split = Split([recipient("a", .basisPoints(5000)), recipient("b", .basisPoints(5000))])
        XCTAssertEqual(try amounts(split, 1), [1, 0])
        XCTAssertEqual(try amounts(split, 3), [2, 1])
        XCTAssertEqual(try amounts(split, 10_001), [5001, 5000])
        XCTAssertEqual(try amounts(split, 0), [0, 0])
    }

    func testThreeWaySplit() throws {
        let split = Split([recipient("a", .basisPoints(3333)), recipient("b", .basisPoints(3333)), recipient("c", .basisPoints(3334))])
        // R·bps mod 10000: for R = 1 the remainders are 3333, 3333, 3334, so c gets the unit.
        XCTAssertEqual(try amounts(split, 1), [0, 0, 1])
        // R = 2: remainders 6666, 6666, 6668 -> the largest two are c, then a (tie with b, a first).
        XCTAssertEqual(try amounts(split, 2), [1, 0, 1])
        // R = 10: q = 3, 3, 3; remainders 3330, 3330, 3340 -> c.
        XCTAssertEqual(try amounts(split, 10), [3, 3, 4])
        // R = 1_000_001: q = 333300, 333300, 333400; 1 left; remainders 3333, 3333, 3334 -> c.
        XCTAssertEqual(try amounts(split, 1_000_001), [333_300, 333_300, 333_401])
    }

    func testLinesKeepConfigOrderNamesAndZeroAmounts() throws {
        let split = Split([recipient("platform", .basisPoints(100)), recipient("seller", .basisPoints(9900))])
        // 40 units: remainders 4000 and 6000, so the leftover unit goes to the seller.
        let lines = try split.allocate(TokenAmount(units: 40), decimals: 6)
        XCTAssertEqual(lines, [
            SplitLine(index: 0, name: "platform", address: "0xplatform", amount: TokenAmount(units: 0)),
            SplitLine(index: 1, name: "seller", address: "0xseller", amount: TokenAmount(units: 40)),
        ])
        // 50 units: remainders 5000 and 5000 tie, so the earlier platform line gets it.
        XCTAssertEqual(try amounts(split, 50), [1, 49])
    }

    func testTiesGoToEarlierRecipients() throws {
        let split = Split((0..<4).map { recipient("r\($0)", .basisPoints(2500)) })
        XCTAssertEqual(try amounts(split, 1), [1, 0, 0, 0])
        XCTAssertEqual(try amounts(split, 2), [1, 1, 0, 0])
        XCTAssertEqual(try amounts(split, 3), [1, 1, 1, 0])
        XCTAssertEqual(try amounts(split, 7), [2, 2, 2, 1])
    }

    func testFixedPlusRemainder() throws {
        let split = Split([
            recipient("fee", .fixed(.units(TokenAmount(units: 100)))),
            recipient("seller", .remainder),
            recipient("referrer", .fixed(.money("$0.0005"))),
        ])
        XCTAssertEqual(try amounts(split, 10_000), [100, 9_400, 500])
        XCTAssertEqual(try amounts(split, 600), [100, 0, 500])
        XCTAssertEqual(try amounts(split, UInt128.max), [100, UInt128.max - 600, 500])
    }

    func testFixedPlusBasisPoints() throws {
        let split = Split([
            recipient("fee", .fixed(.money("0.001"))),
            recipient("a", .basisPoints(7000)),
            recipient("b", .basisPoints(3000)),
        ])
        XCTAssertEqual(try amounts(split, 11_001), [1_000, 7_001, 3_000])
    }

    func testFixedExceedingTheAmount() {
        let split = Split([recipient("fee", .fixed(.money("$0.01"))), recipient("seller", .remainder)])
        XCTAssertEqual(splitError { _ = try split.allocate(TokenAmount(units: 9_999), decimals: 6) },
                       .fixedExceedsAmount(fixed: TokenAmount(units: 10_000), amount: TokenAmount(units: 9_999)))
        XCTAssertEqual(splitError { try split.validateAgainst(amount: TokenAmount(units: 9_999), decimals: 6) }?.code,
                       "fixed_exceeds_amount")
        XCTAssertNil(splitError { try split.validateAgainst(amount: TokenAmount(units: 10_000), decimals: 6) })
        XCTAssertEqual(splitError { try split.validateAgainst(amount: TokenAmount(units: 1), decimals: 1) },
                       .invalidFixedShare(index: 0, .tooPrecise(text: "$0.01", decimals: 1)))
    }

    func testFixedSharesOverflow() {
        let huge = TokenAmount(units: .max)
        let split = Split([recipient("a", .fixed(.units(huge))), recipient("b", .fixed(.units(huge))), recipient("c", .remainder)])
        XCTAssertEqual(splitError { _ = try split.allocate(huge, decimals: 0) }, .overflow)
    }

    func testValidationErrors() {
        let cases: [([SplitRecipient], SplitError)] = [
            ([], .noRecipients),
            ([recipient("", .remainder)], .emptyName(index: 0)),
            ([recipient("a", .basisPoints(5000)), recipient("a", .basisPoints(5000))], .duplicateName(index: 1, name: "a")),
            ([recipient("a", .basisPoints(0)), recipient("b", .basisPoints(10_000))], .invalidBasisPoints(index: 0, value: 0)),
            ([recipient("a", .basisPoints(10_001))], .invalidBasisPoints(index: 0, value: 10_001)),
            ([recipient("a", .basisPoints(5000)), recipient("b", .basisPoints(4999))], .basisPointsSum(total: 9_999)),
            ([recipient("a", .remainder), recipient("b", .remainder)], .multipleRemainders(index: 1)),
            ([recipient("a", .basisPoints(10_000)), recipient("b", .remainder)], .basisPointsWithRemainder(index: 1)),
            ([recipient("a", .remainder), recipient("b", .basisPoints(10_000))], .basisPointsWithRemainder(index: 1)),
            ([recipient("a", .fixed(.units(TokenAmount(units: 5))))], .fixedOnly),
            ([recipient("a", .fixed(.units(.zero))), recipient("b", .remainder)], .zeroFixedShare(index: 0)),
            ([recipient("a", .fixed(.money("$0.00"))), recipient("b", .remainder)], .zeroFixedShare(index: 0)),
            ([recipient("a", .remainder), recipient("b", .fixed(.money("1,00")))],
             .invalidFixedShare(index: 1, .invalidFormat(text: "1,00", reason: "only digits, one decimal point and an optional leading $ are allowed"))),
        ]
        for (recipients, expected) in cases {
            XCTAssertEqual(splitError { try Split(recipients).validate() }, expected, "\(recipients)")
            XCTAssertEqual(splitError { _ = try Split(recipients).allocate(TokenAmount(units: 100), decimals: 6) }, expected)
        }
        XCTAssertEqual(SplitError.duplicateName(index: 1, name: "a").recipientIndex, 1)
        XCTAssertNil(SplitError.basisPointsSum(total: 1).recipientIndex)
        XCTAssertEqual(SplitError.basisPointsSum(total: 9_999).code, "bps_sum_not_10000")
        XCTAssertEqual(SplitError.basisPointsSum(total: 9_999).description, "basis-point shares add up to 9999, not 10000")
    }

    /// Thousands of random splits and amounts: the lines always sum to the amount, each
    /// basis-point line is its exact share rounded down or up, and rounding-up went to the
    /// largest remainders with ties in config order.
    func testRandomizedLargestRemainderProperties() throws {
        var rng = SplitMix64(seed: 10_000)
        for _ in 0..<5_000 {
            let (split, fixedTotal) = randomSplit(rng: &rng)
            let amount = randomAmount(atLeast: fixedTotal, rng: &rng)
            let lines = try split.allocate(TokenAmount(units: amount), decimals: 6)
            XCTAssertEqual(lines.map(\.amount).checkedSum()?.units, amount)
            checkBasisPointLines(split, lines, rest: amount - fixedTotal)
        }
    }

    private func checkBasisPointLines(_ split: Split, _ lines: [SplitLine], rest: UInt128) {
        var roundedUp: [(index: Int, remainder: UInt128)] = []
        var roundedDown: [(index: Int, remainder: UInt128)] = []
        for (index, recipient) in split.recipients.enumerated() {
            guard case .basisPoints(let points) = recipient.share else { continue }
            let product = rest.multipliedFullWidth(by: UInt128(points))
            let (floor, remainder) = UInt128(10_000).dividingFullWidth(product)
            let got = lines[index].amount.units
            XCTAssertTrue(got == floor || (got == floor + 1 && remainder > 0), "line \(index): \(got) vs \(floor) r \(remainder)")
            if got == floor + 1 { roundedUp.append((index, remainder)) } else { roundedDown.append((index, remainder)) }
        }
        for up in roundedUp {
            for down in roundedDown {
                XCTAssertTrue(up.remainder > down.remainder || (up.remainder == down.remainder && up.index < down.index))
            }
        }
    }

    private func randomSplit(rng: inout SplitMix64) -> (Split, UInt128) {
        var recipients: [SplitRecipient] = []
        var fixedTotal: UInt128 = 0
        for n in 0..<rng.next(below: 3) {
            let units = UInt128(1 + rng.next(below: 1_000))
            fixedTotal += units
            recipients.append(recipient("fixed\(n)", .fixed(.units(TokenAmount(units: units)))))
        }
        if rng.next(below: 5) == 0 {
            recipients.append(recipient("rest", .remainder))
        } else {
            var left = 10_000
            let count = 1 + rng.next(below: 6)
            for n in 0..<count {
                let points = n == count - 1 ? left : 1 + rng.next(below: max(1, left - (count - 1 - n)))
                let taken = min(points, left - (count - 1 - n))
                left -= taken
                recipients.append(recipient("bps\(n)", .basisPoints(UInt16(taken))))
            }
        }
        recipients.shuffle(using: &rng)
        return (Split(recipients), fixedTotal)
    }

    private func randomAmount(atLeast minimum: UInt128, rng: inout SplitMix64) -> UInt128 {
        let extra: UInt128 = switch rng.next(below: 4) {
        case 0: UInt128(rng.next(below: 20))
        case 1: UInt128(rng.next(below: 1_000_000))
        case 2: UInt128(rng.next())
        default: (UInt128(rng.next()) << 64 | UInt128(rng.next())) >> 1
        }
        return minimum + extra
    }
}

extension SplitMix64: RandomNumberGenerator {}
