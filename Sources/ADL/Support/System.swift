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
