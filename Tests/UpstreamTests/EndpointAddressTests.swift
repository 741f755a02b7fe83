import EventLoop
import Foundation
import Synchronization
import TestSupport
import Upstream
import XCTest

/// An endpoint's host name looked up again: two real origins on the same port at 127.0.0.1 and
/// 127.0.0.2 stand for the old and the new address of one name, and the lookup is the only
/// part the test supplies (DNS answers cannot be changed from a test).
final class EndpointAddressTests: XCTestCase {
    private var group: EventLoopGroup!
    private var origins: [Origin] = []

    override func setUp() { group = EventLoopGroup(threads: 1) }

    override func tearDown() {
        group.shutdown()
        for origin in origins { origin.stop() }
    }

    private func address(_ host: String, _ port: UInt16) -> SocketAddress { SocketAddress.numeric(host: host, port: port)! }

    /// An endpoint named `origin.test` that keeps no idle connections, so every request connects.
    private func endpoint(at address: SocketAddress, hostName: String? = "origin.test") -> UpstreamEndpoint {
        UpstreamEndpoint(name: "origin", address: address, hostName: hostName, authority: "origin.test", serverName: "origin.test",
                         tls: nil, maxIdlePerLoop: 0, connectTimeout: Nanos.fromMillis(2000), keepAliveTimeout: Nanos.fromMillis(4000))
    }

    /// The address the origin answering `GET /conn` through `endpoint` was reached on.
    private func answeringAddress(_ endpoint: UpstreamEndpoint) throws -> String {
        let result = Mutex<Result<ClientResponse, ClientError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        HTTPClient(group: group).submit(ClientRequest(method: "GET", target: "/conn"), to: endpoint, timeout: Nanos.fromMillis(5000)) {
            answer in
            result.withLock { $0 = answer }
            done.signal()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
        let response = try XCTUnwrap(result.withLock { $0 }).get()
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        return try XCTUnwrap(json["address"] as? String)
    }

    func testNewConnectionsFollowAChangedAddressAndAFailedLookupKeepsTheLastOne() throws {
        let old = try Origin(host: "127.0.0.1")
        origins.append(old)
        origins.append(try Origin(host: "127.0.0.2", port: old.port))
        let port = old.port
        let endpoint = endpoint(at: address("127.0.0.1", port))
        XCTAssertEqual(try answeringAddress(endpoint), "127.0.0.1:\(port)")

        // Still among the answers (round-robin): kept, whatever the order.
        XCTAssertNil(try endpoint.reresolve { _, _ in [self.address("127.0.0.2", port), self.address("127.0.0.1", port)] })
        XCTAssertEqual(try answeringAddress(endpoint), "127.0.0.1:\(port)")

        let asked = Mutex<[String]>([])
        let moved = try endpoint.reresolve { host, port in
            asked.withLock { $0.append("\(host):\(port)") }
            return [self.address("127.0.0.2", port)]
        }
        XCTAssertEqual(moved, address("127.0.0.2", port))
        XCTAssertEqual(asked.withLock { $0 }, ["origin.test:\(port)"], "the name is looked up with the endpoint's port")
        XCTAssertEqual(try answeringAddress(endpoint), "127.0.0.2:\(port)")

        XCTAssertThrowsError(try endpoint.reresolve { host, _ throws(SocketError) in throw .unresolvable(host) })
        XCTAssertEqual(endpoint.address, address("127.0.0.2", port), "a failed lookup keeps the last address")
        XCTAssertEqual(try answeringAddress(endpoint), "127.0.0.2:\(port)")
    }

    func testAnEndpointGivenAnAddressHasNothingToLookUp() throws {
        let endpoint = endpoint(at: address("127.0.0.1", 80), hostName: "127.0.0.1")
        XCTAssertNil(endpoint.hostName, "a numeric host is not a name")
        XCTAssertNil(try endpoint.reresolve { _, _ in
            XCTFail("no lookup for an address")
            return []
        })
    }

    func testResolveAllListsEveryAddressOfANameAndParsesNumericHosts() throws {
        XCTAssertEqual(try SocketAddress.resolveAll(host: "127.0.0.5", port: 9), [address("127.0.0.5", 9)])
        XCTAssertTrue(try SocketAddress.resolveAll(host: "localhost", port: 9).allSatisfy { $0.port == 9 && !$0.host.isEmpty })
        XCTAssertThrowsError(try SocketAddress.resolveAll(host: "no-such-host.invalid", port: 9))
    }
}
