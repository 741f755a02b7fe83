import Foundation
import TestSupport
import XCTest

/// `paygate serve`, `check` and `proxy` as real processes: reload on SIGHUP, drain on SIGTERM,
/// access log, config errors.
final class ServeTests: XCTestCase {
    var origin: Origin!
    var scratch: ScratchDirectory!

    override func setUpWithError() throws {
        origin = try Origin()
        scratch = try ScratchDirectory()
    }

    override func tearDown() { origin?.stop() }

    private func config(port: UInt16, admin: UInt16, routes: String, drainMs: Int = 5000) -> String {
        """
        {"listeners": [{"name": "public", "address": "127.0.0.1:\(port)"}],
         "admin": {"address": "127.0.0.1:\(admin)"},
         "server": {"workers": 2, "timeouts": {"drainMs": \(drainMs)}},
         "upstreams": {"origin": {"url": "http://127.0.0.1:\(origin.port)"}},
         "routes": \(routes)}
        """
    }

    private func startServe(_ path: String) throws -> ChildProcess {
        let child = try ChildProcess(paygateBinary, ["serve", "--config", path])
        XCTAssertTrue(child.waitFor("\"msg\":\"listening\""), child.stderr)
        return child
    }

    private func get(_ port: UInt16, _ target: String) throws -> RawResponse? {
        let client = try RawClient(port: port)
        client.send(request("GET", target))
        return client.readResponse()
    }

    func testReloadSwapsRoutesAndRefusesABadFile() throws {
        let (port, admin) = (freePort(), freePort())
        let path = try scratch.write("gw.json", config(port: port, admin: admin, routes: "[{\"name\":\"a\",\"path\":\"/echo\",\"upstream\":\"origin\"}]"))
        let child = try startServe(path)
        XCTAssertEqual(try get(port, "/echo")?.status, 200)
        XCTAssertEqual(try get(port, "/conn")?.json["code"] as? String, "no_route")

        _ = try scratch.write("gw.json", config(port: port, admin: admin, routes: "[{\"name\":\"b\",\"path\":\"/conn\",\"upstream\":\"origin\"}]"))
        child.signal(SIGHUP)
        XCTAssertTrue(child.waitFor("config reloaded"))
        XCTAssertEqual(try get(port, "/conn")?.status, 200)
        XCTAssertEqual(try get(port, "/echo")?.status, 404)

        _ = try scratch.write("gw.json", "{\"routes\": [{\"upstream\": \"missing\"}]}")
        child.signal(SIGHUP)
        XCTAssertTrue(child.waitFor("config reload refused"))
        XCTAssertTrue(child.stderr.contains("gw.json: $.routes[0].upstream"), child.stderr)
        XCTAssertEqual(try get(port, "/conn")?.status, 200, "the previous config stays after a refused reload")
        child.signal(SIGTERM)
        XCTAssertEqual(child.waitForExit(timeout: 10), 0)
    }

    /// An upstream named by host name is looked up again every `dnsRefreshMs` on the gateway's
    /// own thread (that a changed answer moves new connections is UpstreamTests' part); serving
    /// goes on meanwhile, and the interval itself needs a restart to change.
    func testUpstreamNamesAreLookedUpAgainWhileServing() throws {
        let (port, admin) = (freePort(), freePort())
        func text(refreshMs: Int) -> String {
            config(port: port, admin: admin, routes: "[{\"name\":\"a\",\"path\":\"/conn\",\"upstream\":\"origin\"}]")
                .replacingOccurrences(of: "http://127.0.0.1:", with: "http://localhost:")
                .replacingOccurrences(of: "\"workers\": 2,", with: "\"workers\": 2, \"dnsRefreshMs\": \(refreshMs),")
        }
        let path = try scratch.write("gw.json", text(refreshMs: 20))
        let child = try startServe(path)
        for _ in 0..<20 {
            XCTAssertEqual(try get(port, "/conn")?.json["address"] as? String, "127.0.0.1:\(origin.port)")
            usleep(10_000)
        }
        XCTAssertFalse(child.stderr.contains("did not resolve"), child.stderr)
        let threads = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(child.pid)/task").map { task in
            (try? String(contentsOfFile: "/proc/\(child.pid)/task/\(task)/comm", encoding: .utf8)) ?? ""
        }
        XCTAssertTrue(threads.contains("paygate-dns\n"), "\(threads)")

        _ = try scratch.write("gw.json", text(refreshMs: 60_000))
        child.signal(SIGHUP)
        XCTAssertTrue(child.waitFor("changing $.server.dnsRefreshMs needs a restart"), child.stderr)
        XCTAssertEqual(try get(port, "/conn")?.status, 200)
        child.signal(SIGTERM)
        XCTAssertEqual(child.waitForExit(timeout: 10), 0)
    }

    /// `workers: 0` means one loop per CPU the process may use: under `taskset -c 0` that is
    /// one, whatever the machine has (a cgroup CPU quota narrows it the same way).
    func testDefaultLoopCountFollowsTheCPUsTheProcessMayUse() throws {
        let (port, admin) = (freePort(), freePort())
        let path = try scratch.write("gw.json", config(port: port, admin: admin, routes: "[{\"name\":\"a\",\"path\":\"/conn\",\"upstream\":\"origin\"}]")
            .replacingOccurrences(of: "\"workers\": 2", with: "\"workers\": 0"))
        let child = try ChildProcess(URL(fileURLWithPath: "/usr/bin/taskset"), ["-c", "0", paygateBinary.path, "serve", "--config", path])
        XCTAssertTrue(child.waitFor("\"msg\":\"listening\""), child.stderr)
        XCTAssertEqual(try get(port, "/conn")?.status, 200)
        let threads = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(child.pid)/task").map { task in
            (try? String(contentsOfFile: "/proc/\(child.pid)/task/\(task)/comm", encoding: .utf8)) ?? ""
        }
        XCTAssertEqual(threads.filter { $0.hasPrefix("paygate-loop-") }, ["paygate-loop-0\n"])
        child.signal(SIGTERM)
        XCTAssertEqual(child.waitForExit(timeout: 10), 0)
    }

    func testRequestsInFlightKeepTheOldConfigAcrossAReload() throws {
        let (port, admin) = (freePort(), freePort())
        let path = try scratch.write("gw.json", config(port: port, admin: admin, routes: "[{\"name\":\"slow\",\"path\":\"/slow-head/*\",\"upstream\":\"origin\"}]"))
        let child = try startServe(path)
        let slow = try RawClient(port: port)
        slow.send(request("GET", "/slow-head/1500"))
        usleep(300_000)
        _ = try scratch.write("gw.json", config(port: port, admin: admin, routes: "[{\"name\":\"other\",\"path\":\"/echo\",\"upstream\":\"origin\"}]"))
        child.signal(SIGHUP)
        XCTAssertTrue(child.waitFor("config reloaded"))
        let response = try XCTUnwrap(slow.readResponse())
        XCTAssertEqual(response.status, 200, "the request that started before the reload finished on its route")
        XCTAssertEqual(try get(port, "/slow-head/1")?.status, 404, "new requests see the new table")
        child.signal(SIGTERM)
        XCTAssertEqual(child.waitForExit(timeout: 10), 0)
    }

    func testSIGTERMDrainsInFlightRequestsThenExitsZero() throws {
        let (port, admin) = (freePort(), freePort())
        let path = try scratch.write("gw.json", config(port: port, admin: admin, routes: "[{\"path\":\"/*\",\"upstream\":\"origin\"}]"))
        let child = try startServe(path)
        XCTAssertEqual(try get(admin, "/readyz")?.status, 200)
        XCTAssertEqual(try get(admin, "/healthz")?.json["status"] as? String, "ok")
        let slow = try RawClient(port: port)
        slow.send(request("GET", "/slow-head/1200"))
        let idle = try RawClient(port: port)
        idle.send(request("GET", "/echo"))
        XCTAssertEqual(idle.readResponse()?.status, 200)
        usleep(200_000)
        child.signal(SIGTERM)
        XCTAssertTrue(child.waitFor("draining"))
        XCTAssertTrue(idle.isClosedByPeer(), "idle keep-alive connections close at once")
        usleep(100_000)
        XCTAssertThrowsError(try RawClient(port: port), "the listener is closed while draining")
        let response = try XCTUnwrap(slow.readResponse())
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("connection"), "close")
        XCTAssertEqual(child.waitForExit(timeout: 10), 0)
        XCTAssertTrue(child.stderr.contains("\"msg\":\"drained\""), child.stderr)
    }

    func testDrainDeadlineEndsStuckRequests() throws {
        let (port, admin) = (freePort(), freePort())
        let path = try scratch.write("gw.json", config(port: port, admin: admin, routes: "[{\"path\":\"/*\",\"upstream\":\"origin\"}]", drainMs: 300))
        let child = try startServe(path)
        let stuck = try RawClient(port: port)
        stuck.send(request("GET", "/slow-head/10000"))
        usleep(200_000)
        let started = Date()
        child.signal(SIGTERM)
        XCTAssertEqual(child.waitForExit(timeout: 5), 0)
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
        XCTAssertTrue(child.stderr.contains("drain deadline passed"), child.stderr)
    }

    func testOperationalLogIsJSONLinesWithALevel() throws {
        let (port, admin) = (freePort(), freePort())
        let path = try scratch.write("gw.json", config(port: port, admin: admin, routes: "[{\"path\":\"/*\",\"upstream\":\"origin\"}]"))
        let child = try startServe(path)
        _ = try scratch.write("gw.json", "{\"routes\": [{\"upstream\": \"missing\"}]}")
        child.signal(SIGHUP)
        XCTAssertTrue(child.waitFor("config reload refused"))
        child.signal(SIGTERM)
        XCTAssertEqual(child.waitForExit(timeout: 10), 0)
        var levels: [String: String] = [:]
        for line in child.stderr.split(separator: "\n") {
            let entry = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
            let level = try XCTUnwrap(entry["level"] as? String, String(line))
            XCTAssertTrue(["debug", "info", "warn", "error"].contains(level), String(line))
            XCTAssertNotNil(entry["ts"] as? String, String(line))
            levels[try XCTUnwrap(entry["msg"] as? String)] = level
        }
        XCTAssertEqual(levels["listening"], "info")
        XCTAssertEqual(levels["config reload refused; the previous config stays"], "error")
    }

    func testAccessLogHasOneJSONLinePerRequest() throws {
        let (port, admin) = (freePort(), freePort())
        let path = try scratch.write("gw.json", config(port: port, admin: admin, routes: "[{\"name\":\"api\",\"path\":\"/*\",\"upstream\":\"origin\"}]"))
        let child = try startServe(path)
        let client = try RawClient(port: port)
        client.send(request("POST", "/upload?x=\"q\"", body: "12345"))
        XCTAssertEqual(client.readResponse()?.status, 200)
        XCTAssertTrue(child.waitFor("\"route\":\"api\""))
        let line = try XCTUnwrap(child.stdout.split(separator: "\n").first { $0.contains("/upload") })
        let entry = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        XCTAssertEqual(entry["method"] as? String, "POST")
        XCTAssertEqual(entry["path"] as? String, "/upload?x=\"q\"")
        XCTAssertEqual(entry["status"] as? Int, 200)
        XCTAssertEqual(entry["client"] as? String, "127.0.0.1")
        XCTAssertEqual(entry["upstream"] as? String, "origin")
        XCTAssertGreaterThan(entry["bytesIn"] as? Int ?? 0, 5)
        XCTAssertGreaterThan(entry["bytesOut"] as? Int ?? 0, 0)
        XCTAssertNotNil(entry["upstreamMs"] as? Double)
        XCTAssertNotNil(entry["totalMs"] as? Double)
        XCTAssertNotNil(entry["time"] as? String)
        XCTAssertNotNil(entry["requestId"] as? String)
        child.signal(SIGTERM)
        XCTAssertEqual(child.waitForExit(timeout: 10), 0)
    }

    func testCheckPrintsTheRouteTableOrNamesTheBadKey() throws {
        let good = try scratch.write("good.json", config(port: 1, admin: 2, routes: "[{\"name\":\"api\",\"methods\":[\"GET\"],\"path\":\"/v1/:id\",\"upstream\":\"origin\"}]"))
        let ok = try ChildProcess(paygateBinary, ["check", "--config", good])
        XCTAssertEqual(ok.waitForExit(timeout: 10), 0)
        XCTAssertTrue(ok.stdout.contains("api"), ok.stdout)
        XCTAssertTrue(ok.stdout.contains("/v1/:id"), ok.stdout)
        XCTAssertTrue(ok.stdout.contains("good.json: OK"), ok.stdout)

        let bad = try scratch.write("bad.json", config(port: 1, admin: 2, routes: "[{\"path\":\"/x\",\"upstream\":\"origin\",\"price\":\"$0.0000001\",\"network\":\"eip155:8453\",\"payTo\":\"0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf\"}]"))
        let refused = try ChildProcess(paygateBinary, ["check", "--config", bad])
        XCTAssertEqual(refused.waitForExit(timeout: 10), 2)
        XCTAssertTrue(refused.stderr.contains("bad.json: $.routes[0].price:"), refused.stderr)

        let usage = try ChildProcess(paygateBinary, ["check"])
        XCTAssertEqual(usage.waitForExit(timeout: 10), 2)
        XCTAssertTrue(usage.stderr.contains("--config"), usage.stderr)
    }

    /// `POST /admin/reload` does what SIGHUP does, answers 422 for a bad file, and refuses
    /// requests a browser sends for another site (a cross-site form POST must not reload).
    func testAdminReloadAndItsCrossSiteGuard() throws {
        let (port, admin) = (freePort(), freePort())
        let path = try scratch.write("gw.json", config(port: port, admin: admin, routes: "[{\"name\":\"a\",\"path\":\"/echo\",\"upstream\":\"origin\"}]"))
        let child = try startServe(path)
        defer { child.stop() }
        _ = try scratch.write("gw.json", config(port: port, admin: admin, routes: "[{\"name\":\"b\",\"path\":\"/conn\",\"upstream\":\"origin\"}]"))
        func reload(_ headers: [String]) throws -> RawResponse? {
            let client = try RawClient(port: admin)
            client.send(request("POST", "/admin/reload", headers: ["Content-Length: 0"] + headers))
            return client.readResponse()
        }
        let crossSite = try reload(["Origin: https://evil.example", "Sec-Fetch-Site: cross-site"])
        XCTAssertEqual(crossSite?.status, 403)
        XCTAssertEqual(crossSite?.json["code"] as? String, "cross_origin")
        XCTAssertEqual(try reload(["Origin: http://attacker.example"])?.status, 403)
        XCTAssertEqual(try get(port, "/echo")?.status, 200, "a refused reload changes nothing")

        let done = try reload(["Origin: http://test.local", "Sec-Fetch-Site: same-origin"])
        XCTAssertEqual(done?.status, 200)
        XCTAssertEqual(done?.json["reloaded"] as? Bool, true)
        XCTAssertEqual(try get(port, "/conn")?.status, 200)

        _ = try scratch.write("gw.json", "{\"routes\": [{\"upstream\": \"missing\"}]}")
        let refused = try reload([])
        XCTAssertEqual(refused?.status, 422)
        XCTAssertTrue((refused?.json["error"] as? String ?? "").contains("$.routes[0].upstream"), "\(String(describing: refused?.json))")
        XCTAssertEqual(try get(port, "/conn")?.status, 200, "the previous config stays")
    }

    func testQuickProxyModeAndHelp() throws {
        let port = freePort()
        let child = try ChildProcess(paygateBinary, ["proxy", "--listen", "127.0.0.1:\(port)", "--to", "http://127.0.0.1:\(origin.port)", "--access-log", "off"])
        XCTAssertTrue(child.waitFor("listening"))
        XCTAssertEqual(try get(port, "/echo")?.json["target"] as? String, "/echo")
        child.signal(SIGTERM)
        XCTAssertEqual(child.waitForExit(timeout: 10), 0)
        for command in ["serve", "check", "proxy"] {
            let help = try ChildProcess(paygateBinary, [command, "--help"])
            XCTAssertEqual(help.waitForExit(timeout: 10), 0)
            XCTAssertTrue(help.stdout.contains("Usage: paygate \(command)"), help.stdout)
        }
    }

    /// `paygate proxy --price`: one price on everything, settled by the embedded facilitator,
    /// paid with `paygate pay`, and visible to `paygate receipts` — all through the CLI.
    func testQuickProxyModeWithAPrice() throws {
        let port = freePort()
        let ledger = scratch.file("quick.sqlite").path
        let payTo = "0x6813Eb9362372EEF6200f3b1dbC3f819671cBA69"
        let child = try ChildProcess(paygateBinary, ["proxy", "--listen", "127.0.0.1:\(port)", "--to", "http://127.0.0.1:\(origin.port)",
                                                     "--price", "$0.002", "--pay-to", payTo, "--network", "paygate:devnet",
                                                     "--ledger", ledger, "--access-log", "off"])
        defer { child.stop() }
        XCTAssertTrue(child.waitFor("listening"), child.stderr)
        XCTAssertEqual(try get(port, "/echo")?.status, 402)

        let wallet = scratch.file("wallet.json").path
        for arguments in [["wallet", "new", "--wallet", wallet],
                          ["wallet", "fund", "--wallet", wallet, "--amount", "$1", "--devnet-db", scratch.file("paygate-devnet.sqlite").path]] {
            let step = try ChildProcess(paygateBinary, arguments)
            XCTAssertEqual(step.waitForExit(timeout: 30), 0, step.stderr)
        }
        let pay = try ChildProcess(paygateBinary, ["pay", "http://127.0.0.1:\(port)/echo", "--wallet", wallet,
                                                   "--max-per-request", "$0.01", "--budget", "$1"])
        XCTAssertEqual(pay.waitForExit(timeout: 30), 0, pay.stderr)
        XCTAssertTrue(pay.stdout.contains("\"target\": \"/echo\""), pay.stdout)

        let receipts = try ChildProcess(paygateBinary, ["receipts", "--ledger", ledger])
        XCTAssertEqual(receipts.waitForExit(timeout: 30), 0, receipts.stderr)
        let list = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(receipts.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(list.count, 1)
        XCTAssertEqual(list.first?["amount"] as? String, "2000")
        XCTAssertEqual(list.first?["status"] as? String, "settled")
        child.signal(SIGTERM)
        XCTAssertEqual(child.waitForExit(timeout: 10), 0)
    }

    func testQuickProxyModeNamesTheFlagOfABadValue() throws {
        let cases: [([String], String)] = [
            (["--price", "$0.0000001", "--pay-to", "0x6813Eb9362372EEF6200f3b1dbC3f819671cBA69", "--network", "eip155:84532"], "--price:"),
            (["--price", "$0.01", "--pay-to", "0xnope", "--network", "eip155:84532"], "--pay-to:"),
            (["--price", "$0.01", "--pay-to", "0x6813Eb9362372EEF6200f3b1dbC3f819671cBA69", "--network", "nowhere"], "--network:"),
            (["--price", "$0.01"], "--price needs --pay-to"),
            (["--network", "eip155:84532"], "only make sense with --price"),
        ]
        for (extra, expected) in cases {
            let child = try ChildProcess(paygateBinary, ["proxy", "--listen", "127.0.0.1:1", "--to", "http://127.0.0.1:1"] + extra)
            XCTAssertEqual(child.waitForExit(timeout: 10), 2, "\(extra)")
            XCTAssertTrue(child.stderr.contains(expected), "\(extra): \(child.stderr)")
        }
    }
}
