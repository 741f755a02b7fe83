import Foundation
import TestSupport
import XCTest

/// TLS listeners of the real `paygate serve` in front of the fixture origin, probed with real
/// clients (curl, `openssl s_client`, Python's ssl): protocol and cipher defaults, certificate
/// reload on SIGHUP and `POST /admin/reload`, refused reloads, and the HTTP-to-HTTPS redirect.
final class TLSListenerTests: XCTestCase {
    var origin: Origin!
    var scratch: ScratchDirectory!
    var ca: TestCA!
    var gateway: ChildProcess?

    override func setUpWithError() throws {
        origin = try Origin()
        scratch = try ScratchDirectory()
        ca = try TestCA(scratch)
    }

    override func tearDown() {
        gateway?.stop()
        origin?.stop()
    }

    private func file(_ name: String) -> String { scratch.file(name).path }

    private func tlsListener(_ name: String, _ port: UInt16) -> String {
        "{\"name\": \"\(name)\", \"address\": \"127.0.0.1:\(port)\", \"tls\": {\"certificateFile\": \"\(file(name + ".crt"))\", \"keyFile\": \"\(file(name + ".key"))\"}}"
    }

    private func writeConfig(listeners: [String], admin: UInt16) throws -> String {
        try scratch.write("gw.json", """
            {"listeners": [\(listeners.joined(separator: ", "))],
             "admin": {"address": "127.0.0.1:\(admin)"},
             "server": {"workers": 2, "limits": {"maxUriBytes": 32768, "maxHeaderBytes": 40960}},
             "logging": {"accessLog": "off"},
             "upstreams": {"origin": {"url": "http://127.0.0.1:\(origin.port)"}},
             "routes": [{"name": "acme", "path": "/.well-known/acme-challenge/*", "upstream": "origin", "rewrite": {"prefix": "/echo"}},
                        {"name": "all", "path": "/*", "upstream": "origin"}]}
            """)
    }

    private func startServe(_ path: String) throws -> ChildProcess {
        let child = try ChildProcess(paygateBinary, ["serve", "--config", path])
        gateway = child
        XCTAssertTrue(child.waitFor("\"msg\":\"admin listening\""), child.stderr)
        return child
    }

    /// `openssl s_client` against a port (stdin at EOF: handshake, print, quit); all its output.
    /// `serverName` nil: no SNI.
    private func handshake(_ port: UInt16, _ arguments: [String], serverName: String? = "localhost") throws -> String {
        let sni = serverName.map { ["-servername", $0] } ?? ["-noservername"]
        let child = try ChildProcess(URL(fileURLWithPath: "/usr/bin/openssl"), ["s_client", "-connect", "127.0.0.1:\(port)"] + sni + arguments)
        defer { child.stop() }
        XCTAssertNotNil(child.waitForExit(timeout: 10), "s_client did not finish")
        return child.stdout + child.stderr
    }

    /// "serial=A1 CN = first": the certificate a new connection to `port` is served.
    private func servedCertificate(_ port: UInt16, serverName: String? = "localhost") throws -> String {
        let output = try handshake(port, ["-CAfile", ca.certificateFile, "-verify_return_error"], serverName: serverName)
        guard let begin = output.range(of: "-----BEGIN CERTIFICATE-----"), let end = output.range(of: "-----END CERTIFICATE-----") else {
            XCTFail("no certificate in s_client output: \(output)")
            return ""
        }
        let pem = try scratch.write("served.pem", String(output[begin.lowerBound..<end.upperBound]) + "\n")
        let x509 = try TestCA.openssl(["x509", "-in", pem, "-noout", "-serial", "-subject"])
        return x509.stdout.split(separator: "\n").joined(separator: " ").replacingOccurrences(of: "subject=", with: "")
    }

    private func curl(_ arguments: [String]) throws -> (status: Int32?, stdout: String, stderr: String) {
        let child = try ChildProcess(URL(fileURLWithPath: "/usr/bin/curl"), ["-sS", "--max-time", "10", "--cacert", ca.certificateFile] + arguments)
        defer { child.stop() }
        let status = child.waitForExit(timeout: 15)
        return (status, child.stdout, child.stderr)
    }

    // MARK: Protocols

    func testServesTheOriginOverTLS12And13AndRefusesOlderProtocolsAndWeakCiphers() throws {
        try ca.issue(commonName: "first", serial: "A1", certificateFile: file("secure.crt"), keyFile: file("secure.key"))
        let (port, admin) = (freePort(), freePort())
        _ = try startServe(try writeConfig(listeners: [tlsListener("secure", port)], admin: admin))

        let fetched = try curl(["https://localhost:\(port)/echo?x=1"])
        XCTAssertEqual(fetched.status, 0, fetched.stderr)
        let echo = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(fetched.stdout.utf8)) as? [String: Any], fetched.stdout)
        XCTAssertEqual(echo["target"] as? String, "/echo?x=1")
        let headers = echo["headers"] as? [[String]] ?? []
        XCTAssertTrue(headers.contains(["X-Forwarded-Proto", "https"]), "\(headers)")

        let tls13 = try handshake(port, ["-tls1_3", "-CAfile", ca.certificateFile, "-verify_return_error", "-alpn", "h2,http/1.1"])
        XCTAssertTrue(tls13.contains("New, TLSv1.3, Cipher is TLS_"), tls13)
        XCTAssertTrue(tls13.contains("Verify return code: 0 (ok)"), tls13)
        XCTAssertTrue(tls13.contains("ALPN protocol: http/1.1"), "http/1.1 is chosen over h2: \(tls13)")
        XCTAssertTrue(try handshake(port, ["-alpn", "h2"]).contains("No ALPN negotiated"), "h2 alone is not accepted")

        let tls12 = try handshake(port, ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"])
        XCTAssertTrue(tls12.contains("New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256"), tls12)
        XCTAssertTrue(tls12.contains("Compression: NONE"), tls12)
        for cipher in ["ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384"] {
            let weak = try handshake(port, ["-tls1_2", "-cipher", cipher])
            XCTAssertFalse(weak.contains("New, TLSv1.2"), "CBC suite \(cipher) must be refused: \(weak)")
            XCTAssertTrue(weak.contains("alert handshake failure"), weak)
        }
        // SECLEVEL=0 so the client really offers the old protocol (its own defaults would not).
        for version in ["-tls1_1", "-tls1"] {
            let old = try handshake(port, [version, "-cipher", "DEFAULT:@SECLEVEL=0"])
            XCTAssertTrue(old.contains("alert protocol version"), "\(version) must be refused by the server: \(old)")
            XCTAssertFalse(old.contains("Cipher is ECDHE"), old)
        }
    }

    // MARK: Certificate reload

    /// Two TLS listeners with their own certificates, both renewed in place (new key, subject and
    /// serial) and reloaded by SIGHUP: each serves its own new certificate to new connections,
    /// and a connection accepted before the reload goes on with its session.
    func testSIGHUPReloadsEachListenersCertificateAndConnectionsInFlightKeepTheirs() throws {
        try ca.issue(commonName: "first", serial: "A1", certificateFile: file("one.crt"), keyFile: file("one.key"))
        try ca.issue(commonName: "other", serial: "C3", certificateFile: file("two.crt"), keyFile: file("two.key"))
        let (one, two, admin) = (freePort(), freePort(), freePort())
        let child = try startServe(try writeConfig(listeners: [tlsListener("one", one), tlsListener("two", two)], admin: admin))
        XCTAssertEqual(try servedCertificate(one), "serial=A1 CN = first")
        XCTAssertEqual(try servedCertificate(two), "serial=C3 CN = other")

        // Renew both in place; nothing changes until the reload.
        try ca.issue(commonName: "second", serial: "B2", certificateFile: file("one.crt"), keyFile: file("one.key"))
        try ca.issue(commonName: "another", serial: "D4", certificateFile: file("two.crt"), keyFile: file("two.key"))
        XCTAssertEqual(try servedCertificate(one), "serial=A1 CN = first", "files are only read at start and on reload")

        let inFlight = try keepAliveClient(port: one)
        XCTAssertTrue(inFlight.waitFor("CONNECTED A1"), inFlight.stdout + inFlight.stderr)
        child.signal(SIGHUP)
        XCTAssertTrue(child.waitFor("config reloaded"), child.stderr)
        XCTAssertFalse(inFlight.stdout.contains("FIRST"), "the reload happened while the request was in flight")
        XCTAssertEqual(try servedCertificate(one), "serial=B2 CN = second")
        XCTAssertEqual(try servedCertificate(two), "serial=D4 CN = another")

        XCTAssertEqual(inFlight.waitForExit(timeout: 15), 0, inFlight.stderr)
        XCTAssertTrue(inFlight.stdout.contains("FIRST 200"), inFlight.stdout)
        XCTAssertTrue(inFlight.stdout.contains("SECOND 200 A1"), "the old session serves a request after the reload: \(inFlight.stdout)")
    }

    /// One listener with a certificate per site (`paygate check` lists each one's names): each
    /// handshake gets the certificate of the name it sends (exactly or under a wildcard), any
    /// other name and no SNI get the first; a
    /// request through the chosen certificate verifies and is proxied; renewing one of them in
    /// place and reloading changes only that one.
    func testOneListenerServesTheCertificateOfTheNameTheClientAsksFor() throws {
        try ca.issue(commonName: "first", serial: "A1", certificateFile: file("first.crt"), keyFile: file("first.key"))
        try ca.issue(commonName: "shop", serial: "B2", certificateFile: file("shop.crt"), keyFile: file("shop.key"),
                     dnsNames: ["shop.test", "*.shop.test"])
        try ca.issue(commonName: "blog", serial: "C3", certificateFile: file("blog.crt"), keyFile: file("blog.key"), dnsNames: ["blog.test"])
        let (port, admin) = (freePort(), freePort())
        let certificates = ["first", "shop", "blog"].map { "{\"certificateFile\": \"\(file($0 + ".crt"))\", \"keyFile\": \"\(file($0 + ".key"))\"}" }
        let listener = "{\"name\": \"sites\", \"address\": \"127.0.0.1:\(port)\", \"tls\": {\"certificates\": [\(certificates.joined(separator: ", "))]}}"
        let path = try writeConfig(listeners: [listener], admin: admin)
        let check = try ChildProcess(paygateBinary, ["check", "--config", path])
        XCTAssertEqual(check.waitForExit(timeout: 10), 0, check.stderr)
        XCTAssertTrue(check.stdout.contains("""
            listener sites: \(file("first.crt")) for localhost (and every other name)
            listener sites: \(file("shop.crt")) for shop.test, *.shop.test
            listener sites: \(file("blog.crt")) for blog.test
            """), "check lists each certificate's names: \(check.stdout)")
        let child = try startServe(path)

        let expected: [(String?, String)] = [("shop.test", "serial=B2 CN = shop"), ("www.shop.test", "serial=B2 CN = shop"),
                                             ("blog.test", "serial=C3 CN = blog"), ("localhost", "serial=A1 CN = first"),
                                             ("other.test", "serial=A1 CN = first"), ("a.www.shop.test", "serial=A1 CN = first"),
                                             (nil, "serial=A1 CN = first")]
        for (name, certificate) in expected {
            XCTAssertEqual(try servedCertificate(port, serverName: name), certificate, name ?? "no SNI")
        }
        let fetched = try curl(["--resolve", "www.shop.test:\(port):127.0.0.1", "https://www.shop.test:\(port)/echo"])
        XCTAssertEqual(fetched.status, 0, "curl verifies the chosen certificate against the name: \(fetched.stderr)")
        XCTAssertTrue(fetched.stdout.contains("\"target\": \"/echo\""), fetched.stdout)

        try ca.issue(commonName: "blog", serial: "D4", certificateFile: file("blog.crt"), keyFile: file("blog.key"), dnsNames: ["blog.test"])
        child.signal(SIGHUP)
        XCTAssertTrue(child.waitFor("config reloaded"), child.stderr)
        XCTAssertEqual(try servedCertificate(port, serverName: "blog.test"), "serial=D4 CN = blog")
        XCTAssertEqual(try servedCertificate(port, serverName: "shop.test"), "serial=B2 CN = shop")
        XCTAssertEqual(try servedCertificate(port, serverName: nil), "serial=A1 CN = first")
    }

    /// A bad certificate or key refuses the whole reload (SIGHUP or the admin API) with an error
    /// naming the listener and the file; the previous certificate keeps serving.
    func testAReloadWithABadCertificateOrKeyIsRefusedAndTheOldCertificateStays() throws {
        try ca.issue(commonName: "first", serial: "A1", certificateFile: file("secure.crt"), keyFile: file("secure.key"))
        let (port, admin) = (freePort(), freePort())
        let path = try writeConfig(listeners: [tlsListener("secure", port)], admin: admin)
        let child = try startServe(path)

        // A key of another certificate: refused on SIGHUP.
        try ca.issue(commonName: "stray", serial: "EE", certificateFile: file("stray.crt"), keyFile: file("secure.key"))
        child.signal(SIGHUP)
        XCTAssertTrue(child.waitFor("config reload refused"), child.stderr)
        XCTAssertTrue(child.stderr.contains("listener secure: private key \(file("secure.key")) does not match certificate \(file("secure.crt"))"), child.stderr)
        XCTAssertEqual(try servedCertificate(port), "serial=A1 CN = first")

        // A certificate file that is not PEM: refused through the admin API with its code.
        _ = try scratch.write("secure.crt", "not a certificate\n")
        let client = try RawClient(port: admin)
        client.send(request("POST", "/admin/reload", body: ""))
        let refused = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(refused.status, 422)
        XCTAssertEqual(refused.json["code"] as? String, "tls_certificate")
        let message = refused.json["error"] as? String ?? ""
        XCTAssertTrue(message.hasPrefix("listener secure: cannot load certificate \(file("secure.crt")):"), message)
        XCTAssertEqual(try servedCertificate(port), "serial=A1 CN = first", "the old context stays")

        // Moving the listener is not something a reload can do.
        _ = try writeConfig(listeners: [tlsListener("secure", freePort())], admin: admin)
        child.signal(SIGHUP)
        XCTAssertTrue(child.waitFor("changing $.listeners[0].address needs a restart"), child.stderr)
        XCTAssertEqual(try servedCertificate(port), "serial=A1 CN = first")
        child.signal(SIGTERM)
        XCTAssertEqual(child.waitForExit(timeout: 10), 0)
    }

    func testAKeyThatDoesNotMatchIsRefusedAtStartAndByCheck() throws {
        try ca.issue(commonName: "first", serial: "A1", certificateFile: file("secure.crt"), keyFile: file("first.key"))
        try ca.issue(commonName: "other", serial: "B2", certificateFile: file("other.crt"), keyFile: file("secure.key"))
        let path = try writeConfig(listeners: [tlsListener("secure", freePort())], admin: freePort())
        let expected = "listener secure: private key \(file("secure.key")) does not match certificate \(file("secure.crt"))"
        // serve fails to start (1); check reports a bad config (2).
        for (arguments, status) in [(["serve", "--config", path], Int32(1)), (["check", "--config", path], Int32(2))] {
            let child = try ChildProcess(paygateBinary, arguments)
            defer { child.stop() }
            XCTAssertEqual(child.waitForExit(timeout: 10), status, "\(arguments): \(child.stderr)")
            XCTAssertTrue(child.stderr.contains(expected), child.stderr)
        }
    }

    // MARK: Redirect

    func testThePlainListenerRedirectsToHTTPSKeepingPathAndQuery() throws {
        try ca.issue(commonName: "first", serial: "A1", certificateFile: file("secure.crt"), keyFile: file("secure.key"))
        let (secure, plain, admin) = (freePort(), freePort(), freePort())
        let redirect = "{\"name\": \"plain\", \"address\": \"127.0.0.1:\(plain)\", \"redirectToHttpsPort\": \(secure)}"
        _ = try startServe(try writeConfig(listeners: [tlsListener("secure", secure), redirect], admin: admin))

        let client = try RawClient(port: plain)
        client.send("GET /a/b%20c?q=1&r=two HTTP/1.1\r\nHost: example.com:\(plain)\r\n\r\n")
        let first = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(first.status, 308)
        XCTAssertEqual(first.header("location"), "https://example.com:\(secure)/a/b%20c?q=1&r=two")
        XCTAssertEqual(first.header("content-length"), "0")
        XCTAssertNil(first.header("connection"), "keep-alive stays open")
        // Same connection: a POST keeps its method with 308; its body is read and dropped.
        client.send("POST /form HTTP/1.1\r\nHost: [::1]\r\nContent-Length: 5\r\n\r\nhello")
        let post = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(post.status, 308)
        XCTAssertEqual(post.header("location"), "https://[::1]:\(secure)/form")
        // HTTP/1.0 without Host: nothing to redirect to.
        client.send("GET / HTTP/1.0\r\n\r\n")
        let hostless = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(hostless.status, 400)
        XCTAssertEqual(hostless.json["code"] as? String, "missing_host")
        XCTAssertTrue(client.isClosedByPeer(), "HTTP/1.0 without keep-alive closes")
        // A target the parser takes but whose Location would exceed 16 KiB.
        let long = try RawClient(port: plain)
        long.send(request("GET", "/" + String(repeating: "a", count: 20_000)))
        let tooLong = try XCTUnwrap(long.readResponse())
        XCTAssertEqual(tooLong.status, 414)
        XCTAssertEqual(tooLong.json["code"] as? String, "uri_too_long")

        // ACME HTTP-01 challenges go through the routes on the plain port (here to a route that
        // stands for the certificate tool's challenge server).
        let acme = try RawClient(port: plain)
        acme.send(request("GET", "/.well-known/acme-challenge/token123"))
        let challenge = try XCTUnwrap(acme.readResponse())
        XCTAssertEqual(challenge.status, 200)
        XCTAssertEqual(challenge.json["target"] as? String, "/echo/.well-known/acme-challenge/token123")

        // A real client follows the redirect to the TLS listener.
        let followed = try curl(["-L", "-w", "\n%{url_effective}", "http://localhost:\(plain)/echo?z=9"])
        XCTAssertEqual(followed.status, 0, followed.stderr)
        XCTAssertTrue(followed.stdout.hasSuffix("\nhttps://localhost:\(secure)/echo?z=9"), followed.stdout)
        XCTAssertTrue(followed.stdout.contains("\"target\": \"/echo?z=9\""), followed.stdout)
    }

    /// Python's ssl client on one keep-alive connection: prints the served serial, then a slow
    /// request (long enough for a reload to happen meanwhile), then a second request.
    private func keepAliveClient(port: UInt16) throws -> ChildProcess {
        let script = """
            import socket, ssl, sys
            context = ssl.create_default_context(cafile=sys.argv[2])
            tls = context.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10), server_hostname="localhost")
            serial = tls.getpeercert()["serialNumber"]
            print("CONNECTED", serial, flush=True)
            reader = tls.makefile("rb")
            def get(path):
                tls.sendall(("GET %s HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n" % path).encode())
                status, length = reader.readline().split()[1].decode(), 0
                while True:
                    line = reader.readline()
                    if line in (b"\\r\\n", b""): break
                    name, _, value = line.decode().partition(":")
                    if name.lower() == "content-length": length = int(value)
                reader.read(length)
                return status
            print("FIRST", get("/slow-head/1500"), flush=True)
            print("SECOND", get("/echo"), tls.getpeercert()["serialNumber"], flush=True)
            """
        return try ChildProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, String(port), ca.certificateFile])
    }
}
