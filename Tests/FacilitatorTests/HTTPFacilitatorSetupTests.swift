import Foundation
@testable import Facilitator
import TestSupport
import XCTest

/// Building an `HTTPFacilitator` from its configuration: base URLs, header checks, name
/// resolution, and TLS verification against a real HTTPS server with a private CA.
final class HTTPFacilitatorSetupTests: XCTestCase {
    private var harness: LoopHarness!
    private var server: ChildProcess?

    override func setUp() { harness = LoopHarness() }

    override func tearDown() {
        server?.stop()
        harness?.stop()
    }

    private struct Parts: Equatable {
        let isTLS: Bool, host: String, port: UInt16, basePath: String
    }

    func testBaseURLsAreTakenApart() throws {
        let cases: [(String, Parts, authority: String, verify: String)] = [
            ("https://x402.org/facilitator", Parts(isTLS: true, host: "x402.org", port: 443, basePath: "/facilitator"),
             "x402.org", "/facilitator/verify"),
            ("http://127.0.0.1:4021/", Parts(isTLS: false, host: "127.0.0.1", port: 4021, basePath: ""),
             "127.0.0.1:4021", "/verify"),
            ("http://localhost", Parts(isTLS: false, host: "localhost", port: 80, basePath: ""), "localhost", "/verify"),
            ("https://api.example.com:443/platform/v2/x402//", Parts(isTLS: true, host: "api.example.com", port: 443,
                                                                             basePath: "/platform/v2/x402"),
             "api.example.com", "/platform/v2/x402/verify"),
            ("http://[::1]:8080/a", Parts(isTLS: false, host: "::1", port: 8080, basePath: "/a"), "[::1]:8080", "/a/verify"),
            ("https://[::1]/", Parts(isTLS: true, host: "::1", port: 443, basePath: ""), "[::1]", "/verify"),
        ]
        for (text, expected, authority, verify) in cases {
            let url = try FacilitatorURL(text)
            XCTAssertEqual(Parts(isTLS: url.isTLS, host: url.host, port: url.port, basePath: url.basePath), expected, text)
            XCTAssertEqual(url.authority, authority, text)
            XCTAssertEqual(url.target("verify"), verify, text)
        }
        for bad in ["ftp://x402.org", "x402.org", "http://", "http://:80/", "http://user@host/", "http://host/a?b=1", "http://host/#f",
                    "http://host:99999/", "http://host:80:80/", "http://[::1/", "http://ho st/", "https://host/é"] {
            XCTAssertThrowsError(try FacilitatorURL(bad), bad) { error in
                XCTAssertEqual((error as? FacilitatorSetupError)?.code, "facilitator_invalid_url", bad)
            }
        }
    }

    func testConfigurationErrorsHaveStableCodes() {
        let cases: [(HTTPFacilitatorConfiguration, String)] = [
            (.init(name: "a", baseURL: "gopher://x"), "facilitator_invalid_url"),
            (.init(name: "b", baseURL: "http://127.0.0.1:1", headers: [("Authorization", "Bearer x\r\nX-Evil: 1")]),
             "facilitator_invalid_header"),
            (.init(name: "c", baseURL: "http://127.0.0.1:1", headers: [("Bad Name", "v")]), "facilitator_invalid_header"),
            (.init(name: "c2", baseURL: "http://127.0.0.1:1", headers: [("X-Request-ID", "fixed")]), "facilitator_invalid_header"),
            (.init(name: "c3", baseURL: "http://127.0.0.1:1", headers: [("Content-Type", "text/plain")]), "facilitator_invalid_header"),
            (.init(name: "d", baseURL: "http://no-such-host.invalid/"), "facilitator_unresolvable"),
            (.init(name: "e", baseURL: "https://127.0.0.1:1/", caFile: "/nonexistent/ca.pem"), "facilitator_tls"),
        ]
        for (configuration, code) in cases {
            XCTAssertThrowsError(try HTTPFacilitator(configuration, client: harness.client), configuration.name) { error in
                XCTAssertEqual((error as? FacilitatorSetupError)?.code, code, "\(configuration.name): \(error)")
            }
        }
    }

    func testEndpointCarriesTheFacilitatorsHostAndTimeouts() throws {
        let facilitator = try HTTPFacilitator(.init(name: "cdp", baseURL: "http://127.0.0.1:4021/platform", connectTimeoutMs: 3000,
                                                    verifyTimeoutMs: 2000, settleTimeoutMs: 700, keepAliveTimeoutMs: 4000),
                                              client: harness.client)
        XCTAssertEqual(facilitator.name, "cdp")
        XCTAssertEqual(facilitator.endpoint.authority, "127.0.0.1:4021")
        XCTAssertEqual(facilitator.endpoint.address.port, 4021)
        XCTAssertNil(facilitator.endpoint.tls)
        XCTAssertEqual(facilitator.endpoint.connectTimeout, 700_000_000, "no call may outlast its budget while connecting")
        XCTAssertEqual(facilitator.endpoint.keepAliveTimeout, 4_000_000_000)
    }

    /// An HTTPS facilitator whose certificate comes from a private CA: trusted with `caFile`,
    /// refused (unreachable, nothing sent) against the system store.
    func testHTTPSVerifiesTheCertificateAgainstTheConfiguredCA() throws {
        let scratch = try ScratchDirectory()
        let key = scratch.file("key.pem").path, certificate = scratch.file("cert.pem").path
        let ca = try TestCA(scratch)
        try ca.issue(commonName: "127.0.0.1", serial: "01", certificateFile: certificate, keyFile: key)
        let port = freePort()
        let script = """
            import http.server, ssl, sys
            class Handler(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    body = b'{"kinds":[{"x402Version":2,"scheme":"exact","network":"eip155:84532"}]}'
                    self.send_response(200); self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
                def log_message(self, *args): pass
            server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); context.load_cert_chain(sys.argv[2], sys.argv[3])
            server.socket = context.wrap_socket(server.socket, server_side=True)
            print("READY", flush=True); server.serve_forever()
            """
        server = try ChildProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, String(port), certificate, key])
        XCTAssertTrue(server!.waitFor("READY"), server!.stderr)

        let trusted = try HTTPFacilitator(.init(name: "tls", baseURL: "https://127.0.0.1:\(port)", caFile: ca.certificateFile),
                                          client: harness.client)
        guard case .success(let supported)? = harness.supported(trusted) else {
            return XCTFail("supported over TLS: \(String(describing: harness.supported(trusted)))")
        }
        XCTAssertEqual(supported.kinds.first?.network, "eip155:84532")

        let untrusted = try HTTPFacilitator(.init(name: "tls-system", baseURL: "https://127.0.0.1:\(port)"), client: harness.client)
        guard case .failure(.unreachable(let detail))? = harness.supported(untrusted) else {
            return XCTFail("a certificate from an unknown CA must be refused")
        }
        XCTAssertTrue(detail.contains("TLS"), detail)
    }
}
