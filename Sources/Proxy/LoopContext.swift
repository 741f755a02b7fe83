import EventLoop
import Glibc
import HTTP1
import Routing
import Upstream

/// A listener's view of configuration on one loop: which route table its connections serve,
/// whether it terminates TLS (the context is replaced by certificate reloads) and whether it
/// only redirects to HTTPS. Main listeners follow reloads; the admin listener has a fixed table
/// of local services.
public final class ListenerBinding {
    public let name: String
    public internal(set) var table: RouteTable
    public internal(set) var tls: TLSContext?
    let redirectToHTTPSPort: Int?
    let followsReloads: Bool
    var listener: Listener?

    init(_ spec: ListenerSpec, table: RouteTable) {
        name = spec.name
        self.table = table
        tls = spec.tls
        redirectToHTTPSPort = spec.redirectToHTTPSPort
        followsReloads = spec.fixedTable == nil
    }
}

/// Everything the proxy keeps per loop: upstream pools, parse scratch space, the access-log
/// buffer, counters and the live connections. Confined to its loop.
final class LoopContext {
    let loop: EventLoop
    /// Set right after init; the server outlives its contexts.
    unowned(unsafe) var server: ProxyServer!
    let pools: UpstreamPools
    var bindings: [ListenerBinding] = []
    var requestFields: [HeaderField] = []
    var responseFields: [HeaderField] = []
    var nominees = ConnectionNominees()
    let pathScratch: UnsafeMutableRawBufferPointer
    let accessLog: AccessLog
    var stats = ProxyStats()
    var connections: [ClientConnection?] = []
    var connectionCount = 0
    var draining = false
    private var drainReported = false
    private var requestCounter: UInt64 = 0
    private let requestIDPrefix: [UInt8]
    private var cachedDateSecond: UInt64 = 0
    private let dateBuffer: UnsafeMutableRawBufferPointer
    private var dateLength = 0

    init(loop: EventLoop, accessLog: AccessLog) {
        self.loop = loop
        self.pools = UpstreamPools(loop: loop)
        self.accessLog = accessLog
        pathScratch = .allocate(byteCount: 64 * 1024, alignment: 8)
        dateBuffer = .allocate(byteCount: 64, alignment: 8)
        requestFields.reserveCapacity(256)
        responseFields.reserveCapacity(256)
        // 8 random bytes per loop: request ids are unique across loops and restarts.
        let random = KernelRandom.bytes(8)
        let hex = Array("0123456789abcdef".utf8)
        requestIDPrefix = random.flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 15)]] } + [UInt8(ascii: "-")]
    }

    /// Runs on the loop once: flush the access log after every batch of events.
    func start() {
        loop.addIterationObserver { [unowned self] in self.accessLog.flush() }
    }

    deinit {
        pathScratch.deallocate()
        dateBuffer.deallocate()
    }

    var viaName: String { server.viaName }

    // MARK: Connections

    func accept(_ fd: Int32, peer: SocketAddress?, binding: ListenerBinding) {
        let settings = binding.table.settings
        let perLoopLimit = max(1, settings.maxConnections / max(1, server.group.loops.count))
        if connectionCount >= perLoopLimit || draining {
            Glibc.close(fd)
            binding.listener?.pauseAccepting()
            return
        }
        Socket.setNoDelay(fd)
        var session: TLSConnection?
        if let context = binding.tls {
            do { session = try TLSConnection(context: context, fd: fd) } catch { Glibc.close(fd); return }
        }
        let connection = ClientConnection(context: self, binding: binding, fd: fd, tls: session, peer: peer)
        do { try connection.start() } catch { Glibc.close(fd); return }
        let index = Int(fd)
        if index >= connections.count { connections.append(contentsOf: repeatElement(nil, count: index + 1 - connections.count)) }
        connections[index] = connection
        connection.slot = index
        connectionCount += 1
        if connectionCount >= perLoopLimit { binding.listener?.pauseAccepting() }
    }

    func connectionClosed(_ connection: ClientConnection) {
        if connection.slot >= 0 && connection.slot < connections.count && connections[connection.slot] === connection {
            connections[connection.slot] = nil
        }
        connectionCount -= 1
        if !draining {
            for binding in bindings where binding.listener?.isPaused == true { binding.listener?.resumeAccepting() }
        }
        reportIfDrained()
    }

    /// Tells the server once that this loop has no connections left while draining.
    private func reportIfDrained() {
        guard draining, connectionCount == 0, !drainReported else { return }
        drainReported = true
        server.loopDrained(loop)
    }

    /// Stops accepting; idle connections close now, busy ones after their current response.
    func beginDrain() {
        draining = true
        for binding in bindings { binding.listener?.close() }
        for connection in connections.compactMap({ $0 }) where connection.isIdle { connection.close() }
        reportIfDrained()
    }

    // MARK: Per-request helpers

    /// Uses a valid incoming X-Request-Id (1–128 visible ASCII characters) or makes one.
    func makeRequestID(head: RequestHead, buffer: UnsafeRawBufferPointer, fields: [HeaderField], into id: inout [UInt8]) {
        for field in fields where FieldKind.classify(slice(buffer, field.name)) == .xRequestID {
            let value = slice(buffer, field.value)
            if value.count >= 1 && value.count <= 128 && value.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
                id.append(contentsOf: value)
                return
            }
        }
        requestCounter &+= 1
        id.append(contentsOf: requestIDPrefix)
        var digits = requestCounter
        var reversed: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0)
        var count = 0
        withUnsafeMutableBytes(of: &reversed) { scratch in
            repeat {
                let nibble = UInt8(digits & 15)
                scratch[count] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
                digits >>= 4
                count += 1
            } while digits > 0
            for index in stride(from: count - 1, through: 0, by: -1) { id.append(scratch[index]) }
        }
    }

    /// `Date` header value, rebuilt at most once per second.
    func dateHeader() -> UnsafeRawBufferPointer {
        let seconds = Clock.wallSeconds()
        if seconds != cachedDateSecond || dateLength == 0 {
            cachedDateSecond = seconds
            var out = ByteWriter(dateBuffer)
            IMFFixdate.write(unixSeconds: Int64(seconds), into: &out)
            dateLength = out.count
        }
        return UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(dateBuffer)[..<dateLength])
    }

    /// Access log and counters for a finished (or abandoned) exchange.
    func record(_ connection: ClientConnection) {
        stats.record(connection.ex)
        accessLog.record(connection)
    }
}
