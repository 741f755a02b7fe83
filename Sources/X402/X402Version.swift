/// The protocol versions paygate speaks: v1 (`X-PAYMENT`, 402 body) and v2 (`PAYMENT-*` headers).
public enum X402Version: Int, Sendable, Equatable, CaseIterable {
    case v1 = 1
    case v2 = 2
}
