import COpenSSL

/// Which of a TLS listener's certificates answers a server name: built once from the DNS names
/// in each certificate's subjectAltName, looked up on every handshake that sends SNI.
///
/// The listener's first (primary) context owns this table, so the table holds only the others:
/// a name of the primary maps to "stay", and no reference cycle forms.
final class ServerNames: Sendable {
    /// nil: the primary certificate's own name.
    private let exact: [String: TLSContext?]
    /// By the suffix after `*.`.
    private let wildcard: [String: TLSContext?]
    /// The listener's other certificates, in the configured order.
    let others: [TLSContext]
    /// Positions in `others` of certificates no name leads to (none of their own, or all taken
    /// by earlier certificates): a configuration mistake, since they would never be served.
    let unreachable: [Int]

    init(primary: TLSContext, others: [TLSContext]) {
        var exact: [String: TLSContext?] = [:]
        var wildcard: [String: TLSContext?] = [:]
        var unreachable: [Int] = []
        for (index, context) in ([primary] + others).enumerated() {
            let target: TLSContext? = index == 0 ? nil : context
            var reachable = false
            for name in Self.dnsNames(of: context) {
                if name.hasPrefix("*.") {
                    let suffix = String(name.dropFirst(2))
                    if wildcard[suffix] == nil { wildcard[suffix] = .some(target); reachable = true }
                } else if exact[name] == nil {
                    exact[name] = .some(target)
                    reachable = true
                }
            }
            if index > 0 && !reachable { unreachable.append(index - 1) }
        }
        self.exact = exact
        self.wildcard = wildcard
        self.others = others
        self.unreachable = unreachable
    }

    /// The context to switch to for `serverName`, or nil to keep the primary. An exact name
    /// wins over a wildcard; a wildcard covers one label (`*.example.com` is not
    /// `example.com` nor `a.b.example.com`).
    func context(for serverName: String) -> TLSContext? {
        var name = serverName.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        if let found = exact[name] { return found }
        guard let dot = name.firstIndex(of: ".") else { return nil }
        return wildcard[String(name[name.index(after: dot)...])] ?? nil
    }

    /// The DNS names of a context's leaf certificate, lowercased.
    static func dnsNames(of context: TLSContext) -> [String] {
        guard let certificate = SSL_CTX_get0_certificate(context.context),
              let extensionData = X509_get_ext_d2i(certificate, NID_subject_alt_name, nil, nil) else { return [] }
        let names = OpaquePointer(extensionData)
        defer { GENERAL_NAMES_free(names) }
        var result: [String] = []
        for index in 0..<paygate_GENERAL_NAMES_count(names) {
            guard let entry = paygate_GENERAL_NAMES_value(names, index), entry.pointee.type == GEN_DNS,
                  let text = entry.pointee.d.dNSName, let bytes = ASN1_STRING_get0_data(text) else { continue }
            let name = String(decoding: UnsafeBufferPointer(start: bytes, count: Int(ASN1_STRING_length(text))), as: UTF8.self)
            result.append(name.lowercased())
        }
        return result
    }
}
