// Tables of numbers as text, the way NumPy's `loadtxt` reads them and
// `savetxt` writes them.
//
// Reading (NumPy 2's `loadtxt`): lines end at "\n", "\r\n" or "\r"; the first
// `skiprows` lines are dropped whatever they hold; a comment runs from any of
// the comment strings to the end of the line; a line with nothing left is
// skipped; fields are split at runs of whitespace (no delimiter) or at every
// delimiter; each field is a Python float literal, spaces around it allowed.
// Rows must have the same number of fields unless `usecols` picks columns.
// The rows × columns result is squeezed, then given at least `ndmin` axes,
// then transposed for `unpack`, as `np.loadtxt` does.
//
// Writing (`savetxt`): one line per row (a 1-d array is a column), each the
// row format applied with Python's `%` operator, whose float conversions
// (`%e %f %g %d %s`...) are reproduced here.

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What went wrong in a table's text or format, as a plain description.
public struct TextTableError: Error, Sendable {
    public let message: String
    init(_ message: String) { self.message = message }
}

public enum TextTable {
    /// The options of `loadtxt` that shape the parse.
    public struct ReadOptions {
        /// Comment markers; empty for none.
        public var comments: [String] = ["#"]
        /// The field separator; nil splits at runs of whitespace.
        public var delimiter: Unicode.Scalar?
        public var skiprows = 0
        public var usecols: [Int]?
        public var ndmin = 0
        public var unpack = false
        public var maxRows: Int?
        /// Fields must be integers (an integer dtype was asked for).
        public var integers = false

        public init() {}
    }

    // MARK: - Reading

    /// The array that `text` (UTF-8) holds. The parse works on the bytes: line
    /// breaks, digits and the usual delimiters are ASCII, and a multi-byte
    /// character is decoded only where whitespace matters.
    public static func read(_ text: [UInt8], _ options: ReadOptions) throws -> NDArray {
        var values: [Double] = []
        var columns: Int?
        var rows = 0
        try text.withUnsafeBufferPointer { buffer in
            let comments = options.comments.map { Array($0.utf8) }
            let delimiter = options.delimiter.map { Array(String($0).utf8) }
            var fields: [Range<Int>] = []
            var line = 0
            var start = 0
            while start < buffer.count {
                // One line: buffer[start..<end]; the next starts after its line break.
                var end = start
                while end < buffer.count, buffer[end] != 0x0A, buffer[end] != 0x0D { end += 1 }
                var next = end + 1
                if end < buffer.count, buffer[end] == 0x0D, next < buffer.count, buffer[next] == 0x0A { next += 1 }
                defer { start = next }
                line += 1
                if line <= options.skiprows { continue }
                if let maxRows = options.maxRows, rows >= maxRows { break }

                let contentEnd = commentStart(buffer, start, end, comments)
                split(buffer, start, contentEnd, delimiter, into: &fields)
                if fields.isEmpty { continue }
                let count = fields.count
                func convert(_ index: Int) throws {
                    let field = fields[index]
                    guard let x = options.integers ? parseInteger(buffer, field) : parseFloat(buffer, field) else {
                        let shown = Formatting.quoted(String(decoding: UnsafeBufferPointer(rebasing: buffer[field]), as: UTF8.self))
                        throw TextTableError("could not convert string \(shown) to \(options.integers ? "int64" : "float64") at row \(rows), column \(index + 1).")
                    }
                    values.append(x)
                }
                if let usecols = options.usecols {
                    for u in usecols {
                        let index = u < 0 ? u + count : u
                        guard index >= 0, index < count else {
                            throw TextTableError("invalid column index \(u) at row \(rows + 1) with \(count) columns")
                        }
                        try convert(index)
                    }
                } else {
                    if let columns, columns != count {
                        throw TextTableError("the number of columns changed from \(columns) to \(count) at row \(rows + 1); use `usecols` to select a subset and avoid this error")
                    }
                    columns = count
                    for index in 0..<count { try convert(index) }
                }
                rows += 1
            }
        }
        let width = options.usecols?.count ?? columns ?? 1
        var shape = [rows, width]
        // np.loadtxt's _ensure_ndmin_ndarray: squeeze, then pad to ndmin axes.
        if shape.count > options.ndmin { shape = shape.filter { $0 != 1 } }
        if shape.count < options.ndmin {
            if options.ndmin == 1 {
                shape = [1]
            } else {  // atleast_2d(a).T
                shape = shape.isEmpty ? [1, 1] : [shape[0], 1]
            }
        }
        let array = try NDArray(shape: shape, values: values)
        return options.unpack ? array.transposed() : array
    }

    /// Where the line `buffer[start..<end]` stops before its comment (the earliest comment marker).
    private static func commentStart(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                                     _ comments: [[UInt8]]) -> Int {
        guard !comments.isEmpty else { return end }
        var i = start
        while i < end {
            for marker in comments where buffer[i] == marker[0] && i + marker.count <= end {
                var k = 1
                while k < marker.count, buffer[i + k] == marker[k] { k += 1 }
                if k == marker.count { return i }
            }
            i += 1
        }
        return end
    }

    /// The field ranges of `buffer[start..<end]` (none for a blank line): split at
    /// every delimiter, or at runs of whitespace when there is none.
    private static func split(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                              _ delimiter: [UInt8]?, into fields: inout [Range<Int>]) {
        fields.removeAll(keepingCapacity: true)
        if let delimiter {
            if start == end { return }
            var fieldStart = start
            var i = start
            while i < end {
                if buffer[i] == delimiter[0], i + delimiter.count <= end,
                   (1..<delimiter.count).allSatisfy({ buffer[i + $0] == delimiter[$0] }) {
                    fields.append(fieldStart..<i)
                    i += delimiter.count
                    fieldStart = i
                } else {
                    i += 1
                }
            }
            fields.append(fieldStart..<end)
            return
        }
        var i = start
        var fieldStart: Int?
        while i < end {
            let space = whitespaceLength(buffer, i, end)
            if space > 0 {
                if let s = fieldStart { fields.append(s..<i) }
                fieldStart = nil
                i += space
            } else {
                if fieldStart == nil { fieldStart = i }
                i += 1
            }
        }
        if let s = fieldStart { fields.append(s..<end) }
    }

    /// The byte length of the whitespace character at `buffer[i]`, or 0 if it is not
    /// whitespace (Python's str.isspace: ASCII blanks, \x1c-\x1f, and Unicode spaces).
    @inline(__always)
    private static func whitespaceLength(_ buffer: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        let b = buffer[i]
        if b < 0x80 {
            return b == 0x20 || (0x09...0x0D).contains(b) || (0x1C...0x1F).contains(b) ? 1 : 0
        }
        // A multi-byte UTF-8 sequence: decode its scalar.
        let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
        guard length > 1, i + length <= end else { return 0 }
        var value = UInt32(b) & (0xFF >> UInt32(length + 1))
        for k in 1..<length { value = (value << 6) | (UInt32(buffer[i + k]) & 0x3F) }
        guard let scalar = Unicode.Scalar(value), scalar.properties.isWhitespace else { return 0 }
        return length
    }

    /// `field` without the whitespace around it.
    private static func trimmed(_ buffer: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> Range<Int> {
        var lo = field.lowerBound, hi = field.upperBound
        while lo < hi {
            let n = whitespaceLength(buffer, lo, hi)
            if n == 0 { break }
            lo += n
        }
        // Trailing whitespace: ASCII, or a multi-byte character ending at hi.
        while hi > lo {
            if buffer[hi - 1] < 0x80 {
                if whitespaceLength(buffer, hi - 1, hi) == 0 { break }
                hi -= 1
                continue
            }
            var k = hi - 1
            while k > lo, buffer[k] & 0xC0 == 0x80 { k -= 1 }
            if whitespaceLength(buffer, k, hi) != hi - k { break }
            hi = k
        }
        return lo..<hi
    }

    /// A Python float literal (`1`, `-2.5e3`, `.5`, `5.`, `inf`, `Infinity`, `nan`,
    /// any case; no underscores or hex), spaces around it allowed.
    static func parseFloat(_ buffer: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> Double? {
        let s = trimmed(buffer, field)
        var i = s.lowerBound
        let end = s.upperBound
        var negative = false
        if i < end, buffer[i] == 0x2B || buffer[i] == 0x2D {  // + -
            negative = buffer[i] == 0x2D
            i += 1
        }
        if i < end, buffer[i] | 0x20 == 0x69 || buffer[i] | 0x20 == 0x6E {  // i, n: inf, infinity, nan
            let word = String(decoding: UnsafeBufferPointer(rebasing: buffer[i..<end]), as: UTF8.self).lowercased()
            switch word {
            case "inf", "infinity": return negative ? -.infinity : .infinity
            case "nan": return .nan
            default: return nil
            }
        }
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        var digits = 0
        while i < end, isDigit(buffer[i]) { i += 1; digits += 1 }
        if i < end, buffer[i] == 0x2E {  // .
            i += 1
            while i < end, isDigit(buffer[i]) { i += 1; digits += 1 }
        }
        guard digits > 0 else { return nil }
        if i < end, buffer[i] | 0x20 == 0x65 {  // e E
            i += 1
            if i < end, buffer[i] == 0x2B || buffer[i] == 0x2D { i += 1 }
            var exponentDigits = 0
            while i < end, isDigit(buffer[i]) { i += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return nil }
        }
        guard i == end else { return nil }
        // The grammar is checked: Swift's parser (C locale, correctly rounded) gives the value.
        return Double(String(decoding: UnsafeBufferPointer(rebasing: buffer[s]), as: UTF8.self))
    }

    /// An integer literal (`-12`, `+3`), spaces around it allowed, as a double.
    static func parseInteger(_ buffer: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> Double? {
        let s = trimmed(buffer, field)
        var i = s.lowerBound
        if i < s.upperBound, buffer[i] == 0x2B || buffer[i] == 0x2D { i += 1 }
        guard i < s.upperBound, (i..<s.upperBound).allSatisfy({ buffer[$0] >= 0x30 && buffer[$0] <= 0x39 }),
              let n = Int64(String(decoding: UnsafeBufferPointer(rebasing: buffer[s]), as: UTF8.self)) else {
            return nil
        }
        return Double(n)
    }

    // MARK: - Writing

    /// The options of `savetxt`.
    public struct WriteOptions {
        /// One format for every column (`"%.18e"`), a whole row format, or one format per column.
        public var format: Either = .single("%.18e")
        public var delimiter = " "
        public var newline = "\n"
        public var header = ""
        public var footer = ""
        public var comments = "# "

        public enum Either {
            case single(String)
            case perColumn([String])
        }

        public init() {}
    }

    /// The text (UTF-8) `np.savetxt` writes for a 1-d or 2-d array.
    public static func write(_ array: NDArray, _ options: WriteOptions) throws -> [UInt8] {
        guard array.ndim == 1 || array.ndim == 2 else {
            throw TextTableError("Expected 1D or 2D array, got \(array.ndim)D array instead")
        }
        let rows = array.shape[0]
        let columns = array.ndim == 2 ? array.shape[1] : 1
        let rowFormat: String
        switch options.format {
        case .perColumn(let formats):
            guard formats.count == columns else {
                throw TextTableError("fmt has wrong shape.  [" + formats.map(Formatting.quoted).joined(separator: ", ") + "]")
            }
            rowFormat = formats.joined(separator: options.delimiter)
        case .single(let format):
            let percents = format.unicodeScalars.filter { $0 == "%" }.count
            if percents == 1 {
                rowFormat = Array(repeating: format, count: columns).joined(separator: options.delimiter)
            } else if percents == columns {
                rowFormat = format
            } else {
                throw TextTableError("fmt has wrong number of % formats:  \(format)")
            }
        }
        let pieces = try PercentFormat(rowFormat)
        var out: [UInt8] = []
        if !options.header.isEmpty {
            out += Array((options.comments + options.header.replacingNewlines(with: "\n" + options.comments)
                          + options.newline).utf8)
        }
        let newline = Array(options.newline.utf8)
        var row = [Double](repeating: 0, count: columns)
        var scratch = [CChar](repeating: 0, count: 64)
        for r in 0..<rows {
            for c in 0..<columns { row[c] = array.data[r * columns + c] }
            guard try pieces.apply(row, isBool: array.isBool, into: &out, scratch: &scratch) else {
                throw TextTableError("Mismatch between array dtype ('\(array.isBool ? "bool" : "float64")') and format specifier ('\(rowFormat)')")
            }
            out += newline
        }
        if !options.footer.isEmpty {
            out += Array((options.comments + options.footer.replacingNewlines(with: "\n" + options.comments)
                          + options.newline).utf8)
        }
        return out
    }
}

extension String {
    /// The string with every "\n" replaced by `replacement` (Python's `s.replace('\n', r)`).
    fileprivate func replacingNewlines(with replacement: String) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

// MARK: - Python's % operator on floats

/// A format string for Python's `%` operator, split into literal text and
/// conversions; applied to a row of numbers, it gives what `fmt % tuple(row)`
/// gives for NumPy float64 (or bool) scalars.
struct PercentFormat {
    struct Conversion {
        var flags: String
        var width: Int?
        var precision: Int?
        var type: Unicode.Scalar
        /// A `*` width or precision, or a `(name)` key: Python raises a TypeError for a tuple of floats.
        var unsupported: Bool
        /// The C format of the conversion (`%+08.3e`, `%5lld`), NUL-terminated.
        var cFormat: [CChar] = []
        /// Floats: the format without zero padding and width (inf and nan are padded by hand);
        /// ints: `%.0f` with the flags and width, for values beyond Int64.
        var unpaddedFormat: [CChar] = []

        /// Fills in `cFormat` and `unpaddedFormat` from the parsed parts.
        mutating func prepare() {
            let width = self.width.map(String.init) ?? ""
            switch type {
            case "d", "i", "u":
                let intFlags = String(flags.filter { $0 != "#" })
                cFormat = Array(("%" + intFlags + width + (precision.map { "." + String($0) } ?? "") + "lld").utf8CString)
                unpaddedFormat = Array(("%" + intFlags + width + ".0f").utf8CString)
            default:
                let tail = "." + String(precision ?? 6) + String(Character(type))
                cFormat = Array(("%" + flags + width + tail).utf8CString)
                unpaddedFormat = Array(("%" + String(flags.filter { $0 != "0" }) + tail).utf8CString)
            }
        }
    }

    enum Piece {
        case text([UInt8])
        case conversion(Conversion)
    }

    let pieces: [Piece]
    let conversionCount: Int

    /// Parses `format`; a malformed conversion is Python's ValueError.
    init(_ format: String) throws {
        let s = Array(format.unicodeScalars)
        var pieces: [Piece] = []
        var literal = String.UnicodeScalarView()
        var count = 0
        var i = 0
        while i < s.count {
            guard s[i] == "%" else {
                literal.append(s[i])
                i += 1
                continue
            }
            i += 1
            var conversion = Conversion(flags: "", width: nil, precision: nil, type: "%", unsupported: false)
            if i < s.count, s[i] == "(" {
                conversion.unsupported = true
                var depth = 1
                i += 1
                while i < s.count, depth > 0 {
                    if s[i] == "(" { depth += 1 } else if s[i] == ")" { depth -= 1 }
                    i += 1
                }
                if depth > 0 { throw TextTableError("incomplete format key") }
            }
            while i < s.count, "-+ #0".unicodeScalars.contains(s[i]) {
                conversion.flags.unicodeScalars.append(s[i])
                i += 1
            }
            func number() -> Int? {
                var n: Int?
                while i < s.count, s[i].value >= 48, s[i].value <= 57 {
                    n = Swift.min((n ?? 0) * 10 + Int(s[i].value - 48), 1_000_000)
                    i += 1
                }
                return n
            }
            if i < s.count, s[i] == "*" {
                conversion.unsupported = true
                i += 1
            } else {
                conversion.width = number()
            }
            if i < s.count, s[i] == "." {
                i += 1
                if i < s.count, s[i] == "*" {
                    conversion.unsupported = true
                    i += 1
                } else {
                    conversion.precision = number() ?? 0
                }
            }
            while i < s.count, "hlL".unicodeScalars.contains(s[i]) { i += 1 }
            guard i < s.count else { throw TextTableError("incomplete format") }
            let type = s[i]
            i += 1
            if type == "%" {  // `%%` is a literal percent sign
                literal.append("%")
                continue
            }
            guard "diueEfFgGsrcxXoa%".unicodeScalars.contains(type) else {
                let hex = String(type.value, radix: 16)
                throw TextTableError("unsupported format character '\(Character(type))' (0x\(hex)) at index \(i - 1)")
            }
            if !literal.isEmpty {
                pieces.append(.text(Array(String(literal).utf8)))
                literal = String.UnicodeScalarView()
            }
            conversion.type = type
            conversion.prepare()
            pieces.append(.conversion(conversion))
            count += 1
        }
        if !literal.isEmpty { pieces.append(.text(Array(String(literal).utf8))) }
        self.pieces = pieces
        self.conversionCount = count
    }

    /// `format % tuple(row)`; nil where Python raises a TypeError (wrong
    /// number of values, a conversion floats do not support), which savetxt
    /// reports as a mismatch between dtype and format.
    func apply(_ row: [Double], isBool: Bool) throws -> String? {
        var out: [UInt8] = []
        var scratch = [CChar](repeating: 0, count: 64)
        guard try apply(row, isBool: isBool, into: &out, scratch: &scratch) else { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    /// `format % tuple(row)` appended to `out` (UTF-8); false where Python raises a TypeError.
    /// `scratch` is a reusable buffer for C's snprintf.
    func apply(_ row: [Double], isBool: Bool, into out: inout [UInt8], scratch: inout [CChar]) throws -> Bool {
        guard conversionCount == row.count else { return false }
        var k = 0
        for piece in pieces {
            switch piece {
            case .text(let t):
                out += t
            case .conversion(let c):
                guard !c.unsupported, try convert(row[k], c, isBool: isBool, into: &out, scratch: &scratch) else {
                    return false
                }
                k += 1
            }
        }
        return true
    }

    private func convert(_ x: Double, _ c: Conversion, isBool: Bool, into out: inout [UInt8],
                         scratch: inout [CChar]) throws -> Bool {
        switch c.type {
        case "e", "E", "f", "F", "g", "G":
            if !x.isFinite, c.flags.contains("0"), !c.flags.contains("-"), let width = c.width {
                // Python pads inf and nan with zeros after the sign ('%08.2f' % inf is '00000inf'); C with spaces.
                let start = out.count
                printf(c.unpaddedFormat, x, into: &out, scratch: &scratch)
                let length = out.count - start
                let signed = length > 0 && [0x2B, 0x2D, 0x20].contains(out[start])
                out.insert(contentsOf: repeatElement(0x30, count: Swift.max(0, width - length)), at: signed ? start + 1 : start)
                return true
            }
            printf(c.cFormat, x, into: &out, scratch: &scratch)
            return true
        case "d", "i", "u":
            if x.isNaN { throw TextTableError("cannot convert float NaN to integer") }
            if x.isInfinite { throw TextTableError("cannot convert float infinity to integer") }
            let whole = x.rounded(.towardZero) + 0.0  // + 0.0 turns -0.0 into 0.0
            if Swift.abs(whole) < 9.0e18 {
                printf(c.cFormat, Int64(whole), into: &out, scratch: &scratch)
            } else {
                printf(c.unpaddedFormat, whole, into: &out, scratch: &scratch)  // "%<flags><width>.0f": all digits
            }
            return true
        case "s", "r", "a":
            var text = isBool ? (x != 0 ? "True" : "False") : NumberFormat.pythonFloat(x)
            if let p = c.precision, text.count > p { text = String(text.prefix(p)) }
            let pad = Swift.max(0, (c.width ?? 0) - text.count)
            if pad > 0 && !c.flags.contains("-") { out += repeatElement(0x20, count: pad) }
            out += text.utf8
            if pad > 0 && c.flags.contains("-") { out += repeatElement(0x20, count: pad) }
            return true
        default:  // c x X o: Python's TypeError for a float
            return false
        }
    }

    /// Appends C's snprintf of one value (Python's float conversions are C's) to `out`.
    private func printf(_ format: [CChar], _ value: CVarArg, into out: inout [UInt8], scratch: inout [CChar]) {
        while true {
            let capacity = scratch.count
            let needed = format.withUnsafeBufferPointer { f in
                scratch.withUnsafeMutableBufferPointer { buffer in
                    withVaList([value]) { vsnprintf(buffer.baseAddress, capacity, f.baseAddress, $0) }
                }
            }
            guard needed >= 0 else { return }
            if Int(needed) < capacity {
                scratch.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: UInt8.self) { out += $0.prefix(Int(needed)) }
                }
                return
            }
            scratch = [CChar](repeating: 0, count: Int(needed) + 1)
        }
    }
}
