import Config

/// Who may pay: payer addresses refused, or (when the allow list is not empty) the only ones
/// accepted. Part of each route's hooks, so a reload changes it for new requests.
public struct PayerPolicy: Sendable {
    let denied: Set<String>
    let allowed: Set<String>

    public init(_ config: PolicyConfig) {
        denied = Set(config.denyPayers.map { $0.lowercased() })
        allowed = Set(config.allowPayers.map { $0.lowercased() })
    }

    func allows(_ payer: String) -> Bool {
        let key = payer.lowercased()
        if denied.contains(key) { return false }
        return allowed.isEmpty || allowed.contains(key)
    }
}
