import CLinux
import Glibc

/// What a non-blocking read or write did. `wantRead`/`wantWrite` say which readiness to wait for
/// before retrying (TLS can need the opposite direction of the call).
public enum IOResult: Equatable, Sendable {
    case transferred(Int)
    case wantRead
    case wantWrite
    case closed
    case failed(Int32)
}

/// Thin, allocation-free wrappers over the socket system calls the loops use. Every socket is
/// non-blocking and close-on-exec; every send passes MSG_NOSIGNAL.
public enum Socket {
    /// A listening socket bound to `address`. `reusePort` lets each loop own a listener on the
    /// same port (the kernel spreads connections across them).
    public static func listen(_ address: SocketAddress, backlog: Int32 = 1024, reusePort: Bool) throws(SocketError) -> Int32 {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("socket", paygate_errno()) }
        setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
        if reusePort { setOption(fd, SOL_SOCKET, SO_REUSEPORT, 1) }
        let bound = address.withSockAddr { bind(fd, $0, $1) }
        if bound != 0 {
            let error = paygate_errno()
            close(fd)
            throw .system("bind \(address)", error)
        }
        if Glibc.listen(fd, backlog) != 0 {
            let error = paygate_errno()
            close(fd)
            throw .system("listen \(address)", error)
        }
        return fd
    }

    public enum AcceptResult {
        case accepted(Int32, SocketAddress?)
        case wouldBlock
        case failed(Int32)
    }

    public static func accept(_ listener: Int32) -> AcceptResult {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                accept4(listener, $0, &length, Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue))
            }
        }
        if fd >= 0 { return .accepted(fd, SocketAddress(storage: storage)) }
        let error = paygate_errno()
        return error == EAGAIN || error == EWOULDBLOCK ? .wouldBlock : .failed(error)
    }

    /// Starts a non-blocking connect. Returns the fd and whether the connect completed at once;
    /// otherwise wait for writability and read `pendingError`.
    public static func connect(_ address: SocketAddress) throws(SocketError) -> (fd: Int32, connected: Bool) {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("socket", paygate_errno()) }
        setNoDelay(fd)
        let result = address.withSockAddr { Glibc.connect(fd, $0, $1) }
        if result == 0 { return (fd, true) }
        let error = paygate_errno()
        if error == EINPROGRESS { return (fd, false) }
        close(fd)
        throw .system("connect \(address)", error)
    }

    /// The error of a finished non-blocking connect (0 when it succeeded).
    public static func pendingError(_ fd: Int32) -> Int32 {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        return error
    }

    public static func setNoDelay(_ fd: Int32) { setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1) }

    /// Closes with an RST instead of a FIN, for connections we abandon mid-message.
    public static func setLingerReset(_ fd: Int32) {
        var value = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &value, socklen_t(MemoryLayout<linger>.size))
    }

    public static func localAddress(_ fd: Int32) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return result == 0 ? SocketAddress(storage: storage) : nil
    }

    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) {
        var value = value
        setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    @inline(__always)
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        let count = recv(fd, buffer.baseAddress, buffer.count, 0)
        if count > 0 { return .transferred(count) }
        if count == 0 { return .closed }
        let error = paygate_errno()
        if error == EAGAIN || error == EWOULDBLOCK { return .wantRead }
        if error == EINTR { return .wantRead }
        return .failed(error)
    }

    @inline(__always)
    public static func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> IOResult {
        let count = send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
        if count >= 0 { return .transferred(count) }
        let error = paygate_errno()
        if error == EAGAIN || error == EWOULDBLOCK || error == EINTR { return .wantWrite }
        return .failed(error)
    }

    /// Writes two buffers with one system call (a head and the start of a body).
    @inline(__always)
    public static func write(_ fd: Int32, _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> IOResult {
        if second.isEmpty { return write(fd, first) }
        if first.isEmpty { return write(fd, second) }
        var vectors = (iovec(iov_base: UnsafeMutableRawPointer(mutating: first.baseAddress), iov_len: first.count),
                       iovec(iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress), iov_len: second.count))
        let count = withUnsafeMutablePointer(to: &vectors) { pointer in
            pointer.withMemoryRebound(to: iovec.self, capacity: 2) { iov in
                var message = msghdr()
                message.msg_iov = iov
                message.msg_iovlen = 2
                return sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
            }
        }
        if count >= 0 { return .transferred(count) }
        let error = paygate_errno()
        if error == EAGAIN || error == EWOULDBLOCK || error == EINTR { return .wantWrite }
        return .failed(error)
    }

    public static func shutdownWrite(_ fd: Int32) { shutdown(fd, Int32(SHUT_WR)) }
}
