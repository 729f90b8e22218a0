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

    /// The array that `text` holds.
    public static func read(_ text: String, _ options: ReadOptions) throws -> NDArray {
        let scalars = Array(text.unicodeScalars)
        let comments = options.comments.map { Array($0.unicodeScalars) }
        var values: [Double] = []
        var columns: Int?
        var rows = 0
        var line = 0
        var start = 0
        while start < scalars.count {
            // One line: scalars[start..<end], the next starts after its line break.
            var end = start
            while end < scalars.count, scalars[end] != "\n", scalars[end] != "\r" { end += 1 }
            var next = end + 1
            if end < scalars.count, scalars[end] == "\r", next < scalars.count, scalars[next] == "\n" { next += 1 }
            defer { start = next }
            line += 1
            if line <= options.skiprows { continue }
            if let maxRows = options.maxRows, rows >= maxRows { break }

            let content = stripComment(scalars[start..<end], comments)
            let fields = split(content, options.delimiter)
            if fields.isEmpty { continue }
            let picked: [Int]
            if let usecols = options.usecols {
                picked = try usecols.map { u in
                    let index = u < 0 ? u + fields.count : u
                    guard index >= 0, index < fields.count else {
                        throw TextTableError("invalid column index \(u) at row \(rows + 1) with \(fields.count) columns")
                    }
                    return index
                }
            } else {
                if let columns, columns != fields.count {
                    throw TextTableError("the number of columns changed from \(columns) to \(fields.count) at row \(rows + 1); use `usecols` to select a subset and avoid this error")
                }
                columns = fields.count
                picked = Array(fields.indices)
            }
            for index in picked {
                let field = fields[index]
                guard let x = options.integers ? parseInteger(field) : parseFloat(field) else {
                    let shown = Formatting.quoted(String(String.UnicodeScalarView(field)))
                    throw TextTableError("could not convert string \(shown) to \(options.integers ? "int64" : "float64") at row \(rows), column \(index + 1).")
                }
                values.append(x)
            }
            rows += 1
        }
        let width = options.usecols?.count ?? columns ?? 1
        var shape = [rows, width]
        // np.loadtxt's _ensure_ndmin_ndarray: squeeze, then pad to ndmin axes.
        if shape.count > options.ndmin { shape = shape.filter { $0 != 1 } }
        var transpose = false
        if shape.count < options.ndmin {
            if options.ndmin == 1 {
                shape = [1]
            } else {  // atleast_2d(a).T
                shape = shape.isEmpty ? [1, 1] : [shape[0], 1]
            }
        }
        if options.unpack { transpose = true }
        let array = try NDArray(shape: shape, values: values)
        return transpose ? array.transposed() : array
    }

    /// The line without its comment (from the earliest comment marker on).
    private static func stripComment(_ line: ArraySlice<Unicode.Scalar>, _ comments: [[Unicode.Scalar]])
        -> ArraySlice<Unicode.Scalar> {
        guard !comments.isEmpty else { return line }
        var i = line.startIndex
        while i < line.endIndex {
            for marker in comments where line[i...].starts(with: marker) {
                return line[line.startIndex..<i]
            }
            i += 1
        }
        return line
    }

    /// The fields of a line (none for a blank line).
    private static func split(_ line: ArraySlice<Unicode.Scalar>, _ delimiter: Unicode.Scalar?)
        -> [ArraySlice<Unicode.Scalar>] {
        if let delimiter {
            if line.isEmpty { return [] }
            return line.split(separator: delimiter, omittingEmptySubsequences: false)
        }
        return line.split(whereSeparator: { $0.properties.isWhitespace })
    }

    private static func trimmed(_ field: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        var lo = field.startIndex, hi = field.endIndex
        while lo < hi, field[lo].properties.isWhitespace { lo += 1 }
        while hi > lo, field[hi - 1].properties.isWhitespace { hi -= 1 }
        return field[lo..<hi]
    }

    /// A Python float literal (`1`, `-2.5e3`, `.5`, `5.`, `inf`, `Infinity`, `nan`,
    /// any case; no underscores or hex), spaces around it allowed.
    static func parseFloat(_ field: ArraySlice<Unicode.Scalar>) -> Double? {
        let s = trimmed(field)
        var i = s.startIndex
        var negative = false
        if i < s.endIndex, s[i] == "+" || s[i] == "-" {
            negative = s[i] == "-"
            i += 1
        }
        let word = String(String.UnicodeScalarView(s[i...])).lowercased()
        switch word {
        case "inf", "infinity": return negative ? -.infinity : .infinity
        case "nan": return .nan
        default: break
        }
        func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 48 && c.value <= 57 }
        var digits = 0
        while i < s.endIndex, isDigit(s[i]) { i += 1; digits += 1 }
        if i < s.endIndex, s[i] == "." {
            i += 1
            while i < s.endIndex, isDigit(s[i]) { i += 1; digits += 1 }
        }
        guard digits > 0 else { return nil }
        if i < s.endIndex, s[i] == "e" || s[i] == "E" {
            i += 1
            if i < s.endIndex, s[i] == "+" || s[i] == "-" { i += 1 }
            var exponentDigits = 0
            while i < s.endIndex, isDigit(s[i]) { i += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return nil }
        }
        guard i == s.endIndex else { return nil }
        return Double(String(String.UnicodeScalarView(s)))
    }

    /// An integer literal (`-12`, `+3`), spaces around it allowed, as a double.
    static func parseInteger(_ field: ArraySlice<Unicode.Scalar>) -> Double? {
        let text = String(String.UnicodeScalarView(trimmed(field)))
        guard !text.isEmpty, text.unicodeScalars.allSatisfy({ "+-0123456789".unicodeScalars.contains($0) }),
              let n = Int64(text) else { return nil }
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

    /// The text `np.savetxt` writes for a 1-d or 2-d array.
    public static func write(_ array: NDArray, _ options: WriteOptions) throws -> String {
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
        var out = ""
        if !options.header.isEmpty {
            out += options.comments + options.header.replacingNewlines(with: "\n" + options.comments) + options.newline
        }
        var row = [Double](repeating: 0, count: columns)
        for r in 0..<rows {
            for c in 0..<columns { row[c] = array.data[r * columns + c] }
            guard let line = try pieces.apply(row, isBool: array.isBool) else {
                throw TextTableError("Mismatch between array dtype ('\(array.isBool ? "bool" : "float64")') and format specifier ('\(rowFormat)')")
            }
            out += line + options.newline
        }
        if !options.footer.isEmpty {
            out += options.comments + options.footer.replacingNewlines(with: "\n" + options.comments) + options.newline
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
    }

    enum Piece {
        case text(String)
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
                pieces.append(.text(String(literal)))
                literal = String.UnicodeScalarView()
            }
            conversion.type = type
            pieces.append(.conversion(conversion))
            count += 1
        }
        if !literal.isEmpty { pieces.append(.text(String(literal))) }
        self.pieces = pieces
        self.conversionCount = count
    }

    /// `format % tuple(row)`; nil where Python raises a TypeError (wrong
    /// number of values, a conversion floats do not support), which savetxt
    /// reports as a mismatch between dtype and format.
    func apply(_ row: [Double], isBool: Bool) throws -> String? {
        guard conversionCount == row.count else { return nil }
        var out = ""
        var k = 0
        for piece in pieces {
            switch piece {
            case .text(let t):
                out += t
            case .conversion(let c):
                guard !c.unsupported, let text = try convert(row[k], c, isBool: isBool) else { return nil }
                out += text
                k += 1
            }
        }
        return out
    }

    private func convert(_ x: Double, _ c: Conversion, isBool: Bool) throws -> String? {
        switch c.type {
        case "e", "E", "f", "F", "g", "G":
            let tail = "." + String(c.precision ?? 6) + String(Character(c.type))
            if !x.isFinite, c.flags.contains("0"), !c.flags.contains("-"), let width = c.width {
                // Python pads inf and nan with zeros after the sign ('%08.2f' % inf is '00000inf'); C with spaces.
                var body = printf("%" + String(c.flags.filter { $0 != "0" }) + tail, x)
                let signed = body.first.map { "+- ".contains($0) } ?? false
                let zeros = String(repeating: "0", count: Swift.max(0, width - body.count))
                body.insert(contentsOf: zeros, at: signed ? body.index(after: body.startIndex) : body.startIndex)
                return body
            }
            return printf("%" + c.flags + (c.width.map(String.init) ?? "") + tail, x)
        case "d", "i", "u":
            if x.isNaN { throw TextTableError("cannot convert float NaN to integer") }
            if x.isInfinite { throw TextTableError("cannot convert float infinity to integer") }
            let whole = x.rounded(.towardZero) + 0.0  // + 0.0 turns -0.0 into 0.0
            let flags = String(c.flags.filter { $0 != "#" })
            let width = c.width.map(String.init) ?? ""
            if Swift.abs(whole) < 9.0e18 {
                let precision = c.precision.map { "." + String($0) } ?? ""
                return printf("%" + flags + width + precision + "lld", Int64(whole))
            }
            return printf("%" + flags + width + ".0f", whole)
        case "s", "r", "a":
            var text = isBool ? (x != 0 ? "True" : "False") : NumberFormat.pythonFloat(x)
            if let p = c.precision, text.count > p { text = String(text.prefix(p)) }
            let pad = Swift.max(0, (c.width ?? 0) - text.count)
            if pad == 0 { return text }
            let spaces = String(repeating: " ", count: pad)
            return c.flags.contains("-") ? text + spaces : spaces + text
        default:  // c x X o: Python's TypeError for a float
            return nil
        }
    }

    /// C's snprintf of one value (Python's float conversions are C's).
    private func printf(_ format: String, _ value: CVarArg) -> String {
        let needed = withVaList([value]) { vsnprintf(nil, 0, format, $0) }
        guard needed >= 0 else { return "" }
        var buffer = [CChar](repeating: 0, count: Int(needed) + 1)
        _ = buffer.withUnsafeMutableBufferPointer { buf in
            withVaList([value]) { vsnprintf(buf.baseAddress, buf.count, format, $0) }
        }
        return String(decoding: buffer.prefix(Int(needed)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
