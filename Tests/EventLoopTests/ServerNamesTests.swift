@testable import EventLoop
import XCTest

/// Certificate choice by server name (SNI) on a listener with several certificates, over
/// certificates made by the openssl CLI: which context `ServerNames` picks for a name (a real
/// handshake is in `StreamChannelTests`).
final class ServerNamesTests: XCTestCase {
    private var files: [TestCertificate] = []

    override func tearDown() {
        files.forEach { $0.remove() }
    }

    private func table(_ names: [[String]]) throws -> ServerNames {
        files = try names.map { try TestCertificate.make(dnsNames: $0) }
        return try XCTUnwrap(try TLSContext.server(certificates: files.map { ($0.certificate, $0.key) }).serverNames)
    }

    func testTheCertificateIsChosenByExactNameThenOneLabelWildcardElseThePrimary() throws {
        let table = try table([["localhost", "www.example.test"], ["shop.test", "*.shop.test"], ["blog.test", "a.shop.test"]])
        let shop = try XCTUnwrap(table.context(for: "shop.test"))
        let blog = try XCTUnwrap(table.context(for: "blog.test"))
        XCTAssertFalse(shop === blog)
        XCTAssertTrue(table.context(for: "x.shop.test") === shop, "a wildcard covers one label")
        XCTAssertTrue(table.context(for: "a.shop.test") === blog, "an exact name wins over a wildcard")
        XCTAssertTrue(table.context(for: "SHOP.Test.") === shop, "names compare without case and trailing dot")
        for other in ["a.b.shop.test", "unknown.test", "localhost", "www.example.test", "test", ""] {
            XCTAssertNil(table.context(for: other), "\(other): the primary certificate stays")
        }
    }

    func testANameInSeveralCertificatesGoesToTheFirstListed() throws {
        let table = try table([["localhost", "shared.test"], ["shared.test", "two.test"], ["two.test", "three.test"]])
        XCTAssertNil(table.context(for: "shared.test"), "the primary lists it first")
        let two = try XCTUnwrap(table.context(for: "two.test"))
        XCTAssertEqual(ServerNames.dnsNames(of: two), ["shared.test", "two.test"], "the second certificate, not the third")
        XCTAssertEqual(ServerNames.dnsNames(of: try XCTUnwrap(table.context(for: "three.test"))), ["two.test", "three.test"])
    }

    func testACertificateNoNameLeadsToIsRefused() throws {
        files = try [["localhost", "a.test"], ["a.test"]].map { try TestCertificate.make(dnsNames: $0) }
        XCTAssertThrowsError(try TLSContext.server(certificates: files.map { ($0.certificate, $0.key) })) { error in
            XCTAssertEqual((error as? TLSError)?.code, "tls_certificate")
            XCTAssertTrue("\(error)".contains("\(files[1].certificate): never served"), "\(error)")
        }
    }

    func testASingleCertificateNeedsNoTable() throws {
        let certificate = try TestCertificate.make()
        files = [certificate]
        XCTAssertNil(try TLSContext.server(certificates: [(certificate.certificate, certificate.key)]).serverNames)
    }
}
