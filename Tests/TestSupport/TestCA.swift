import Foundation

/// A throwaway certificate authority made with the openssl CLI (EC P-256, valid one day), and
/// server certificates it signs (for `localhost` and 127.0.0.1 unless told other names), each with the subject and serial
/// the test asks for so a client can tell them apart. Files live in the test's scratch directory.
public final class TestCA {
    /// The CA certificate (PEM), what clients trust (`curl --cacert`, `caFile`, `-CAfile`).
    public let certificateFile: String
    private let keyFile: String
    private let scratch: ScratchDirectory

    public init(_ scratch: ScratchDirectory, name: String = "ca") throws {
        self.scratch = scratch
        certificateFile = scratch.file("\(name).pem").path
        keyFile = scratch.file("\(name).key").path
        try Self.openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                          "-subj", "/CN=paygate test CA \(name)", "-keyout", keyFile, "-out", certificateFile])
    }

    /// Writes a new key to `keyFile` and a certificate for it to `certificateFile` (overwriting
    /// both, as certificate renewal tools do), with subject `CN=commonName` and `serial` (hex),
    /// for `dnsNames` and 127.0.0.1.
    public func issue(commonName: String, serial: String, certificateFile: String, keyFile: String,
                      dnsNames: [String] = ["localhost"]) throws {
        let request = scratch.file("\(commonName).csr").path
        let names = (dnsNames.map { "DNS:\($0)" } + ["IP:127.0.0.1"]).joined(separator: ",")
        let extensions = try scratch.write("\(commonName).ext", "subjectAltName=\(names)\nextendedKeyUsage=serverAuth\n")
        try Self.openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                          "-subj", "/CN=\(commonName)", "-keyout", keyFile, "-out", request])
        try Self.openssl(["x509", "-req", "-in", request, "-CA", self.certificateFile, "-CAkey", self.keyFile,
                          "-set_serial", "0x\(serial)", "-days", "1", "-extfile", extensions, "-out", certificateFile])
    }

    /// Runs the openssl CLI and throws its stderr if it fails.
    @discardableResult
    public static func openssl(_ arguments: [String], timeout: TimeInterval = 30) throws -> ChildProcess {
        let child = try ChildProcess(URL(fileURLWithPath: "/usr/bin/openssl"), arguments)
        guard child.waitForExit(timeout: timeout) == 0 else {
            child.stop()
            throw NSError(domain: "openssl", code: 1, userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments.first ?? ""): \(child.stderr)"])
        }
        return child
    }
}
