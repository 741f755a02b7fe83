// Release-mode cost of the HTTP1 parsers. Built by fuzz/bench.sh together with Sources/HTTP1/*.swift
// as one module (no import), like the gateway's whole-module release build.
//   bench <iterations>   prints ns per operation (chunked validation runs iterations/10 times).

let browserGet = "GET /articles/2026/11/paying-machines?utm_source=newsletter&utm_medium=email HTTP/1.1\r\n"
    + "Host: www.example.com\r\n"
    + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
    + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    + "Accept-Language: en-US,en;q=0.5\r\n"
    + "Accept-Encoding: gzip, deflate, br\r\n"
    + "Connection: keep-alive\r\n"
    + "Upgrade-Insecure-Requests: 1\r\n\r\n"

let apiRequest = "POST /v1/inference/completions?model=small HTTP/1.1\r\n"
    + "Host: api.example.com\r\nContent-Type: application/json\r\nContent-Length: 348\r\n"
    + "Accept: application/json\r\nAccept-Encoding: gzip\r\nUser-Agent: agent-sdk/1.4.2 python/3.12\r\n"
    + "X-Request-Id: 6f1c2a9e-3b7d-4c1e-9f2a-8d7e6c5b4a39\r\nX-Client-Version: 2026.11.1\r\n"
    + "Traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\nTracestate: vendor=opaque\r\n"
    + "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.sig\r\n"
    + "Payment-Signature: eyJ4NDAyVmVyc2lvbiI6Miwic2NoZW1lIjoiZXhhY3QiLCJuZXR3b3JrIjoiZWlwMTU1Ojg0NTMyIn0=\r\n"
    + "Cache-Control: no-cache\r\nPragma: no-cache\r\nConnection: keep-alive\r\nOrigin: https://app.example.com\r\n"
    + "Referer: https://app.example.com/chat\r\nX-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\n"
    + "Idempotency-Key: 01JD3Q7W2X4Y5Z6A7B8C9D0E1F\r\n\r\n"

let upstreamResponse = "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Mon, 23 Nov 2026 01:02:03 GMT\r\n"
    + "Content-Type: application/json\r\nContent-Length: 1024\r\nConnection: keep-alive\r\n"
    + "Cache-Control: private, max-age=0\r\nVary: Accept-Encoding\r\n\r\n"

@inline(never)
func measure(_ name: String, _ bytes: [UInt8], iterations: Int, _ operation: (UnsafeRawBufferPointer) -> Int) {
    var sink = 0
    let clock = ContinuousClock()
    let elapsed = bytes.withUnsafeBytes { buffer in
        clock.measure {
            for _ in 0..<iterations { sink &+= operation(buffer) }
        }
    }
    let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
    let perOperation = nanoseconds / Double(iterations)
    let tenths = Int(perOperation * 10 + 0.5)
    print("\(name) (\(bytes.count) B): \(tenths / 10).\(tenths % 10) ns/op  [sink \(sink & 1)]")
}

@main
struct Bench {
    static func main() {
        let iterations = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
        let limits = ParseLimits()
        var fields: [HeaderField] = []
        fields.reserveCapacity(limits.maxFieldCount)
        let requestHeadLength: (UnsafeRawBufferPointer) -> Int = { buffer in
            guard case .complete(let head) = RequestParser.parse(buffer, limits: limits, fields: &fields) else {
                fatalError("benchmark request did not parse")
            }
            return head.headLength
        }
        measure("browser GET", Array(browserGet.utf8), iterations: iterations, requestHeadLength)
        measure("API POST, 20 fields", Array(apiRequest.utf8), iterations: iterations, requestHeadLength)
        measure("upstream response", Array(upstreamResponse.utf8), iterations: iterations) { buffer in
            guard case .complete(let head) = ResponseParser.parse(buffer, requestMethod: .get, limits: limits,
                                                                  fields: &fields) else {
                fatalError("benchmark response did not parse")
            }
            return head.headLength
        }
        let partial = Array(apiRequest.utf8.dropLast(2))
        measure("incomplete API POST (re-parse while waiting)", partial, iterations: iterations) { buffer in
            guard case .incomplete = RequestParser.parse(buffer, limits: limits, fields: &fields) else {
                fatalError("partial request must be incomplete")
            }
            return buffer.count
        }
        var body: [UInt8] = []
        for _ in 0..<16 { body += Array("1000\r\n".utf8) + [UInt8](repeating: 0x61, count: 4096) + [13, 10] }
        body += Array("0\r\n\r\n".utf8)
        measure("chunked validate, 16 x 4 KiB", body, iterations: iterations / 10) { buffer in
            var decoder = ChunkedDecoder(limits: limits)
            guard case .finished(let consumed) = decoder.decode(buffer, { _ in }) else {
                fatalError("benchmark body did not decode")
            }
            return consumed
        }
    }
}
