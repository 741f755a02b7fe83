import Foundation
import JSON
import TestSupport
import Wallet
import XCTest

/// `paygate pay` on the wire (the built binary against a local echo origin): the request it
/// sends (-X, -d, --data-file, -H), https with certificate verification, and the timeout.
final class TransportTests: XCTestCase {
    /// Echoes each request as JSON; with a certificate and key it serves https.
    private static let echoOrigin = """
        import http.server, json, socketserver, ssl, sys
        class Echo(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.dumps({"method": self.command, "path": self.path, "headers": dict(self.headers),
                                   "body": self.rfile.read(length).decode()}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            do_GET = do_POST = do_PUT = do_DELETE = answer
            def log_message(self, *args): pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
        if len(sys.argv) == 3:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[1], sys.argv[2])
            server.socket = context.wrap_socket(server.socket, server_side=True)
        print("PORT", server.server_address[1], flush=True)
        server.serve_forever()
        """

    private var scratch: ScratchDirectory!
    private var wallet: String!
    private var origin: ChildProcess?

    override func setUpWithError() throws {
        scratch = try ScratchDirectory()
        wallet = try WalletFile.create(at: scratch.file("wallet.json").path).path
    }

    override func tearDown() {
        origin?.stop()
        origin = nil
    }

    /// Starts the echo origin; returns its port.
    private func startOrigin(_ arguments: [String] = []) throws -> UInt16 {
        let script = try scratch.write("echo.py", Self.echoOrigin)
        let child = try ChildProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", script] + arguments)
        origin = child
        XCTAssertTrue(child.waitFor("PORT "), child.stderr)
        let line = try XCTUnwrap(child.stdout.split(separator: "\n").first { $0.hasPrefix("PORT ") })
        return try XCTUnwrap(UInt16(line.dropFirst(5)))
    }

    private func pay(_ url: String, _ extra: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
        try runPaygate(["pay", url, "--wallet", wallet, "--max-per-request", "$0.01", "--budget", "$1"] + extra)
    }

    func testSendsTheMethodBodyAndHeadersGiven() throws {
        let port = try startOrigin()
        let posted = try pay("http://127.0.0.1:\(port)/echo?q=1#fragment", ["-d", "hello", "-H", "X-Trace: abc", "-H", "Content-Type:text/plain"])
        XCTAssertEqual(posted.status, 0, posted.stderr)
        let echoed = try JSONParser.parse(Array(posted.stdout.utf8))
        XCTAssertEqual(echoed["method"], "POST", "-d implies POST")
        XCTAssertEqual(echoed["path"], "/echo?q=1", "the fragment never goes on the wire")
        XCTAssertEqual(echoed["body"], "hello")
        XCTAssertEqual(echoed["headers"]?["X-Trace"], "abc")
        XCTAssertEqual(echoed["headers"]?["Content-Type"], "text/plain")
        XCTAssertEqual(echoed["headers"]?["Host"], .string("127.0.0.1:\(port)"))

        let file = try scratch.write("body.txt", "from a file")
        let put = try pay("http://127.0.0.1:\(port)", ["-X", "PUT", "--data-file", file])
        let fromFile = try JSONParser.parse(Array(put.stdout.utf8))
        XCTAssertEqual(fromFile["method"], "PUT")
        XCTAssertEqual(fromFile["path"], "/")
        XCTAssertEqual(fromFile["body"], "from a file")
        XCTAssertFalse(FileManager.default.fileExists(atPath: wallet + ".budget.json"), "nothing priced, nothing recorded")
    }

    func testUsageErrorsExitWith2() throws {
        let good = ["--wallet", wallet!, "--max-per-request", "$0.01", "--budget", "$1"]
        let cases: [[String]] = [
            ["pay", "--wallet", wallet, "--max-per-request", "$0.01", "--budget", "$1"],
            ["pay", "ftp://example.com/"] + good,
            ["pay", "http://127.0.0.1:9/", "--wallet", wallet, "--budget", "$1"],
            ["pay", "http://127.0.0.1:9/", "--wallet", wallet, "--max-per-request", "1%", "--budget", "$1"],
            ["pay", "http://127.0.0.1:9/", "--max-per-request", "$0.01", "--budget", "$1"],
            ["pay", "http://127.0.0.1:9/", "-H", "Bad Header: x"] + good,
            ["pay", "http://127.0.0.1:9/", "-H", "no colon"] + good,
            ["pay", "http://127.0.0.1:9/", "-X", "GET /x"] + good,
            ["pay", "http://127.0.0.1:9/", "-d", "a", "--data-file", "b"] + good,
            ["pay", "http://127.0.0.1:9/", "--network", "not a network"] + good,
            ["pay", "http://127.0.0.1:9/", "--timeout", "0"] + good,
        ]
        for arguments in cases {
            let run = try runPaygate(arguments)
            XCTAssertEqual(run.status, 2, "\(arguments): \(run.stderr)")
        }
        let unreachable = try runPaygate(["pay", "http://127.0.0.1:9/"] + good)
        XCTAssertEqual(unreachable.status, 1, unreachable.stderr)
        XCTAssertTrue(unreachable.stderr.contains("nothing was paid"), unreachable.stderr)
    }

    func testHTTPSIsVerifiedAgainstTheGivenCA() throws {
        let ca = try TestCA(scratch)
        let certificate = scratch.file("cert.pem").path
        let key = scratch.file("key.pem").path
        try ca.issue(commonName: "localhost", serial: "01", certificateFile: certificate, keyFile: key)
        let port = try startOrigin([certificate, key])

        let trusted = try pay("https://localhost:\(port)/secure", ["--ca-file", ca.certificateFile])
        XCTAssertEqual(trusted.status, 0, trusted.stderr)
        XCTAssertEqual(try JSONParser.parse(Array(trusted.stdout.utf8))["path"], "/secure")

        let untrusted = try pay("https://localhost:\(port)/secure")
        XCTAssertEqual(untrusted.status, 1, "a private CA is not in the system store")
        XCTAssertTrue(untrusted.stderr.contains("TLS"), untrusted.stderr)
        XCTAssertEqual(untrusted.stdout, "")
    }

    func testAnOriginThatNeverAnswersTimesOut() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        XCTAssertEqual(listen(listener, 8), 0)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        let started = Date()
        let run = try pay("http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))/", ["--timeout", "1"])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("request failed"), run.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }
}
