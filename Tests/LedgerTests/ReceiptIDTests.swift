import XCTest
@testable import Ledger

final class ReceiptIDTests: XCTestCase {
    func testIdsSortByCreationTimeAndCarryEightyRandomBits() {
        let times: [Int64] = [0, 1, 31, 32, 1_704_067_200_123, 1_704_067_200_124, 4_102_444_800_000]
        let ids = times.map { ReceiptID.generate(nowMs: $0) }
        XCTAssertEqual(ids, ids.sorted(), "ids in creation order must sort in creation order")
        for id in ids {
            XCTAssertEqual(id.utf8.count, 28)
            XCTAssertTrue(id.hasPrefix("r_"))
            XCTAssertTrue(id.dropFirst(2).allSatisfy { "0123456789abcdefghjkmnpqrstvwxyz".contains($0) }, id)
        }
        XCTAssertEqual(ReceiptID.generate(nowMs: 1_704_067_200_123).prefix(12), "r_01hk153x3v")
        // Same millisecond: the random part still separates them.
        let sameMs = Set((0..<1000).map { _ in ReceiptID.generate(nowMs: 42) })
        XCTAssertEqual(sameMs.count, 1000)
    }
}
