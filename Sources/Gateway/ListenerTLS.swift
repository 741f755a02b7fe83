import Config
import EventLoop

/// TLS contexts of the configured listeners, built at start and again on every reload, and the
/// listener changes a reload cannot apply.
///
/// A reload re-reads every TLS listener's certificates and keys from the paths in the new file
/// (so a certificate renewed in place, or moved to a new path, is picked up); if any file is
/// missing or invalid, or a key does not match its certificate, the whole reload is refused and
/// every listener keeps its current context. Addresses, the set of listeners, turning TLS on or
/// off and the redirect port are fixed at start.
public enum ListenerTLS {
    /// A fresh server context per TLS listener, by listener name (also what `paygate check`
    /// uses to prove the files load).
    public static func contexts(_ listeners: [ListenerConfig]) throws(GatewayError) -> [String: TLSContext] {
        var contexts: [String: TLSContext] = [:]
        for listener in listeners {
            guard let certificates = listener.tls else { continue }
            do throws(TLSError) {
                contexts[listener.name] = try TLSContext.server(certificates: certificates.map { ($0.certificateFile, $0.keyFile) })
            } catch {
                throw GatewayError(code: error.code, message: "listener \(listener.name): \(error)")
            }
        }
        return contexts
    }

    /// Why `next` cannot be applied to the running listeners, or nil if it can.
    static func restartNeeded(from current: [ListenerConfig], to next: [ListenerConfig]) -> String? {
        guard current.map(\.name) == next.map(\.name) else {
            return "adding, removing or renaming $.listeners needs a restart"
        }
        for (index, (running, wanted)) in zip(current, next).enumerated() {
            let key = "$.listeners[\(index)]"
            if running.address != wanted.address { return "changing \(key).address needs a restart" }
            if (running.tls == nil) != (wanted.tls == nil) { return "adding or removing \(key).tls needs a restart" }
            if running.redirectToHTTPSPort != wanted.redirectToHTTPSPort { return "changing \(key).redirectToHttpsPort needs a restart" }
        }
        return nil
    }
}
