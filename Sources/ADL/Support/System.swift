// Thin wrappers over the C library for what the interpreter needs from the
// system: files, standard streams, the environment, the clock. ADL does not
// link Foundation, which would add milliseconds to every start.

@preconcurrency import Glibc

public enum System {
    /// The contents of a regular file as UTF-8 text, or nil when it cannot be read.
    public static func readFile(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        return readAll(file)
    }

    /// The bytes of a regular file, or the reason it cannot be read
    /// ("No such file or directory", "Is a directory", ...).
    public static func readBytes(_ path: String) throws(SystemError) -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else { throw SystemError.fromErrno() }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw SystemError(code: EISDIR) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError.fromErrno() }
        defer { close(fd) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError.fromErrno()
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    /// Replaces (or creates) `path` with `bytes` atomically: the bytes go to a
    /// temporary file in the same folder, which is flushed to disk and then
    /// renamed over `path`, so a reader sees the old file or the new one, never
    /// a part. On failure the temporary file is removed and `path` is untouched.
    public static func writeFileAtomically(_ path: String, _ bytes: [UInt8]) throws(SystemError) {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        // A fresh name beside the target, created exclusively with mode 0666 (less the umask, as
        // any new file); the clock makes a collision unlikely and O_EXCL makes it harmless.
        var fd: Int32 = -1
        var temporary = ""
        for attempt in 0..<100 {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let tag = String(UInt64(truncatingIfNeeded: now.tv_nsec) &* 0x9E37_79B9 ^ UInt64(attempt), radix: 36)
            temporary = folder + "." + name + ".tmp-\(getpid())-" + tag
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw SystemError.fromErrno() }
        var closed = false
        do throws(SystemError) {
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { buffer in
                    write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SystemError.fromErrno()
                }
                offset += n
            }
            if fsync(fd) != 0 { throw SystemError.fromErrno() }
            closed = true
            if close(fd) != 0 { throw SystemError.fromErrno() }
            if rename(temporary, path) != 0 { throw SystemError.fromErrno() }
        } catch {
            if !closed { close(fd) }
            unlink(temporary)
            throw error
        }
    }

    /// Everything left on standard input.
    public static func readStandardInput() -> String {
        readAll(stdin) ?? ""
    }

    private static func readAll(_ file: UnsafeMutablePointer<FILE>) -> String? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count {
                if ferror(file) != 0 { return nil }
                break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `text` to standard output (buffered by the C library).
    public static func writeStandardOutput(_ text: String) {
        text.withCString { _ = fputs($0, stdout) }
    }

    /// Writes `text` to standard error, after flushing standard output so the two interleave in order.
    public static func writeStandardError(_ text: String) {
        fflush(stdout)
        text.withCString { _ = fputs($0, stderr) }
    }

    public static func flush() {
        fflush(stdout)
    }

    /// The value of an environment variable.
    public static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// Whether file descriptor `fd` is a terminal.
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) != 0 }

    /// Seconds on a monotonic clock.
    public static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Seconds since the Unix epoch on the system clock, as Python's `time.time()`.
    public static func epochSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// CPU seconds this process has used (all threads, user and system), as Python's
    /// `time.process_time()`: unlike wall time, it leaves out waiting for a CPU.
    public static func processCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}

/// A failed system call: the C library's description of its errno.
public struct SystemError: Error, Sendable {
    public let code: Int32
    /// "No such file or directory", "Permission denied", ...
    public var message: String { String(cString: strerror(code)) }

    public init(code: Int32) { self.code = code }

    static func fromErrno() -> SystemError { SystemError(code: errno) }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    public var trimmed: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
