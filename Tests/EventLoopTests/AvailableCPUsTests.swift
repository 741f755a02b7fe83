import Glibc
import XCTest
@testable import EventLoop

final class AvailableCPUsTests: XCTestCase {
    func testCgroupQuotasRoundUpAndNoLimitIsNil() {
        XCTAssertNil(AvailableCPUs.quota(cpuMax: "max 100000"))
        XCTAssertEqual(AvailableCPUs.quota(cpuMax: "200000 100000"), 2)
        XCTAssertEqual(AvailableCPUs.quota(cpuMax: "150000 100000"), 2, "1.5 CPUs keep two loops busy part of the time")
        XCTAssertEqual(AvailableCPUs.quota(cpuMax: "50000 100000"), 1)
        XCTAssertNil(AvailableCPUs.quota(cpuMax: "garbage"))
        XCTAssertNil(AvailableCPUs.quota(microseconds: "-1", per: "100000"), "cgroup v1 writes -1 for no limit")
        XCTAssertEqual(AvailableCPUs.quota(microseconds: "300000", per: "100000"), 3)
        XCTAssertNil(AvailableCPUs.quota(microseconds: "100000", per: "0"))
    }

    func testTheCountIsAtLeastOneAndAtMostTheOnlineCPUs() {
        let online = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        XCTAssertTrue((1...max(1, online)).contains(AvailableCPUs.count), "\(AvailableCPUs.count) of \(online)")
    }
}
