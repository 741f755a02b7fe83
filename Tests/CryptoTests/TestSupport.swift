import Synchronization

/// A thread-safe tally for concurrency tests.
final class Counter: Sendable {
    private let count = Atomic<Int>(0)

    func increment() { count.add(1, ordering: .relaxed) }

    var value: Int { count.load(ordering: .relaxed) }
}

import XCTest
@testable import Crypto

/// Asserts that `body` throws exactly `expected`.
func assertThrows(_ expected: CryptoError, file: StaticString = #filePath, line: UInt = #line,
                  _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("expected \(expected.code), nothing was thrown", file: file, line: line)
    } catch {
        XCTAssertEqual(error as? CryptoError, expected, file: file, line: line)
    }
}
