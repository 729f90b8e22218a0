// NumPy's `.npy` file format (numpy/lib/format.py), read and written without
// NumPy. A file is the magic string "\x93NUMPY", a major and minor version
// byte, the header length (2 bytes little-endian in version 1.0, 4 bytes in
// 2.0 and 3.0), the header, and the raw elements. The header is a Python dict
// literal, `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }`,
// padded with spaces and a newline so that the data starts at a multiple of 64
// bytes; version 3.0 allows UTF-8 in it.
//
// Reading accepts every version, both byte orders, C and Fortran order, and
// the dtypes bool, int8–int64, uint8–uint64, float16, float32 and float64,
// converted to ADL's float64 (or bool). Writing gives exactly what `np.save`
// gives for a float64 ('<f8') or bool ('|b1') array: version 1.0, NumPy's
// header text and padding (version 2.0 for a header too long for 1.0).

/// The `.npy` reader and writer. Errors are plain descriptions ("the magic
/// string is not correct..."); the caller prefixes the file name.
public enum NpyFormat {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"
    /// NumPy refuses longer headers unless the file is trusted (`max_header_size`).
    public static let maxHeaderSize = 10_000
    /// NumPy leaves room to grow the first (C order) dimension in place up to this many digits.
    static let growthAxisMaxDigits = 21

    /// What went wrong while decoding a file.
    public struct FormatError: Error, Sendable {
        public let message: String
        init(_ message: String) { self.message = message }
    }

    /// An element type the reader understands.
    enum ElementKind {
        case bool, signed, unsigned, float
    }

    // MARK: - Reading

    /// The array stored in the bytes of a `.npy` file; a header longer than
    /// `maxHeaderSize` is refused, as NumPy does.
    public static func decode(_ bytes: [UInt8], maxHeaderSize: Int = maxHeaderSize) throws -> NDArray {
        guard bytes.count >= 8, Array(bytes[0..<6]) == magic else {
            if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
                throw FormatError("it is a .npz archive (several arrays); ADL reads single-array .npy files")
            }
            let shown = bytes.prefix(8).map { b -> String in
                b >= 0x20 && b < 0x7F && b != 0x5C && b != 0x27 ? String(UnicodeScalar(b)) : "\\x" + hex2(b)
            }.joined()
            throw FormatError(bytes.count < 6 && magic.starts(with: bytes)
                ? "the file ends inside the magic string (\(bytes.count) bytes)"
                : "not a .npy file: the magic string is not correct; expected '\\x93NUMPY', got '\(shown)'")
        }
        let major = bytes[6], minor = bytes[7]
        let lengthSize: Int
        switch (major, minor) {
        case (1, 0): lengthSize = 2
        case (2, 0), (3, 0): lengthSize = 4
        default:
            throw FormatError("unsupported .npy format version \(major).\(minor) (ADL reads 1.0, 2.0 and 3.0)")
        }
        guard bytes.count >= 8 + lengthSize else {
            throw FormatError("the file ends inside the header length (\(bytes.count) bytes)")
        }
        var headerLength = 0
        for i in 0..<lengthSize { headerLength |= Int(bytes[8 + i]) << (8 * i) }
        let headerStart = 8 + lengthSize
        guard bytes.count - headerStart >= headerLength else {
            throw FormatError("the file ends inside the header: expected \(headerLength) bytes, got \(bytes.count - headerStart)")
        }
        if headerLength > maxHeaderSize {
            throw FormatError("the header is \(headerLength) bytes long, more than the limit of \(maxHeaderSize) (max_header_size)")
        }
        let headerBytes = bytes[headerStart..<(headerStart + headerLength)]
        let header = major == 3
            ? String(decoding: headerBytes, as: UTF8.self)
            : String(String.UnicodeScalarView(headerBytes.map { Unicode.Scalar($0) }))  // latin-1
        let (kind, size, bigEndian, fortran, shape) = try parseHeader(header)

        // The element count and byte size, checked against overflow and the file's length
        // before anything is allocated.
        var count = 1
        for dim in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            count = overflow ? Int.max : product
        }
        if shape.contains(0) { count = 0 }
        let dataStart = headerStart + headerLength
        let available = bytes.count - dataStart
        let (needed, overflow) = count.multipliedReportingOverflow(by: size)
        if overflow || needed > available {
            let need = overflow ? "more than \(Int.max)" : "\(needed)"
            throw FormatError("the data is truncated: shape \(formatShape(shape)) needs \(need) bytes, the file has \(available)")
        }
        let out = try NDArray(uninitializedShape: fortran ? shape.reversed() : shape, isBool: kind == .bool)
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            convert(base + dataStart, count: count, kind: kind, size: size, bigEndian: bigEndian, into: out.data)
        }
        // A Fortran-order file lists the elements of the reversed shape in C order.
        return fortran && shape.count > 1 ? out.transposed() : out
    }

    /// Converts `count` raw elements to doubles.
    private static func convert(_ source: UnsafePointer<UInt8>, count: Int, kind: ElementKind, size: Int,
                                bigEndian: Bool, into out: UnsafeMutablePointer<Double>) {
        let raw = UnsafeRawPointer(source)
        let swap = bigEndian == (1.littleEndian == 1)  // the file's order is not the machine's
        @inline(__always) func load<T: FixedWidthInteger>(_ i: Int, _: T.Type) -> T {
            let v = raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)
            return swap ? v.byteSwapped : v
        }
        switch (kind, size) {
        case (.float, 8):
            if !swap {
                UnsafeMutableRawPointer(out).copyMemory(from: raw, byteCount: count * 8)
            } else {
                for i in 0..<count { out[i] = Double(bitPattern: load(i, UInt64.self)) }
            }
        case (.float, 4): for i in 0..<count { out[i] = Double(Float(bitPattern: load(i, UInt32.self))) }
        case (.float, _): for i in 0..<count { out[i] = halfToDouble(load(i, UInt16.self)) }
        case (.bool, _): for i in 0..<count { out[i] = source[i] != 0 ? 1 : 0 }
        case (.signed, 1): for i in 0..<count { out[i] = Double(Int8(bitPattern: source[i])) }
        case (.signed, 2): for i in 0..<count { out[i] = Double(load(i, Int16.self)) }
        case (.signed, 4): for i in 0..<count { out[i] = Double(load(i, Int32.self)) }
        case (.signed, _): for i in 0..<count { out[i] = Double(load(i, Int64.self)) }
        case (.unsigned, 1): for i in 0..<count { out[i] = Double(source[i]) }
        case (.unsigned, 2): for i in 0..<count { out[i] = Double(load(i, UInt16.self)) }
        case (.unsigned, 4): for i in 0..<count { out[i] = Double(load(i, UInt32.self)) }
        case (.unsigned, _): for i in 0..<count { out[i] = Double(load(i, UInt64.self)) }
        }
    }

    /// An IEEE half-precision value as a double (exact).
    static func halfToDouble(_ h: UInt16) -> Double {
        let sign: Double = h & 0x8000 != 0 ? -1 : 1
        let exponent = Int((h >> 10) & 0x1F)
        let fraction = Double(h & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24  // zero and subnormals
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }

    /// The dtype, byte order, order and shape from the header dict.
    private static func parseHeader(_ header: String)
        throws -> (ElementKind, Int, Bool, Bool, [Int]) {
        var parser = LiteralParser(header)
        let value: PythonLiteral
        do {
            value = try parser.parseTop()
        } catch {
            throw FormatError("cannot parse the header: \(Formatting.quoted(header.trimmed))")
        }
        guard case .dict(let entries) = value else {
            throw FormatError("the header is not a dictionary: \(Formatting.quoted(header.trimmed))")
        }
        let keys = entries.map(\.0)
        guard keys.sorted() == ["descr", "fortran_order", "shape"] else {
            let listed = keys.sorted().map(Formatting.quoted).joined(separator: ", ")
            throw FormatError("the header does not contain the keys 'descr', 'fortran_order' and 'shape' (it has \(listed))")
        }
        var descr = PythonLiteral.none, fortranValue = PythonLiteral.none, shapeValue = PythonLiteral.none
        for (key, v) in entries {
            switch key {
            case "descr": descr = v
            case "fortran_order": fortranValue = v
            default: shapeValue = v
            }
        }
        var shape: [Int] = []
        if case .tuple(let dims) = shapeValue {
            for case .int(let n) in dims { shape.append(n) }
        }
        guard case .tuple(let dims) = shapeValue, shape.count == dims.count else {
            throw FormatError("the shape is not a tuple of ints: \(shapeValue.text)")
        }
        if shape.contains(where: { $0 < 0 }) {
            throw FormatError("the shape has a negative dimension: \(formatShape(shape))")
        }
        guard case .bool(let fortran) = fortranValue else {
            throw FormatError("fortran_order is not a bool: \(fortranValue.text)")
        }
        guard case .string(let typestr) = descr else {
            throw FormatError("unsupported dtype \(descr.text) (a structured dtype); ADL reads bool, int, uint and float arrays")
        }
        let (kind, size, bigEndian) = try parseDescr(typestr)
        return (kind, size, bigEndian, fortran, shape)
    }

    /// `'<f8'`, `'>i4'`, `'|b1'`... as kind, size and byte order.
    static func parseDescr(_ typestr: String) throws -> (ElementKind, Int, Bool) {
        var chars = Array(typestr)
        var bigEndian = false
        if let first = chars.first, "<>|=".contains(first) {
            bigEndian = first == ">"
            chars.removeFirst()
        }
        let code = chars.first ?? " "
        let size = Int(String(chars.dropFirst()))
        let kind: ElementKind?
        switch (code, size) {
        case ("b", 1?), ("?", 1?), ("?", nil): kind = .bool
        case ("i", 1?), ("i", 2?), ("i", 4?), ("i", 8?): kind = .signed
        case ("u", 1?), ("u", 2?), ("u", 4?), ("u", 8?): kind = .unsigned
        case ("f", 2?), ("f", 4?), ("f", 8?): kind = .float
        default: kind = nil
        }
        guard let kind else {
            let what: String
            switch code {
            case "c": what = "complex"
            case "O": what = "object arrays are stored with pickle"
            case "U", "S", "a": what = "strings"
            case "M", "m": what = "dates and times"
            case "V": what = "raw bytes"
            case "f": what = "a float of \(size.map { "\($0 * 8) bits" } ?? "unknown size")"
            default: what = "an unknown type"
            }
            throw FormatError("unsupported dtype \(Formatting.quoted(typestr)) (\(what)); ADL reads bool, int, uint and float arrays")
        }
        return (kind, size ?? 1, bigEndian)
    }

    // MARK: - Writing

    /// The bytes `np.save` writes for `array` (float64 as '<f8', bool as '|b1').
    public static func encode(_ array: NDArray) -> [UInt8] {
        let shapeText = array.shape.count == 1
            ? "(\(array.shape[0]),)"
            : "(" + array.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(array.isBool ? "|b1" : "<f8")', 'fortran_order': False, 'shape': \(shapeText), }"
        if let first = array.shape.first {
            header += String(repeating: " ", count: Swift.max(0, growthAxisMaxDigits - String(first).count))
        }
        // magic (6) + version (2) + length + header + padding + "\n" is a multiple of 64. The
        // length takes 2 bytes in version 1.0; a header too long for them needs version 2.0
        // and 4 bytes, as NumPy's _wrap_header_guess_version chooses.
        func preamble(lengthSize: Int) -> [UInt8]? {
            let unpadded = 8 + lengthSize + header.utf8.count + 1
            let padding = (64 - unpadded % 64) % 64
            let headerLength = header.utf8.count + padding + 1
            if lengthSize == 2 && headerLength > 0xFFFF { return nil }
            let length = (0..<lengthSize).map { UInt8(truncatingIfNeeded: headerLength >> (8 * $0)) }
            return magic + [lengthSize == 2 ? 1 : 2, 0] + length + Array(header.utf8)
                + [UInt8](repeating: 0x20, count: padding) + [0x0A]
        }
        let preamble = preamble(lengthSize: 2) ?? preamble(lengthSize: 4) ?? []
        let itemSize = array.isBool ? 1 : 8
        let bytes = [UInt8](unsafeUninitializedCapacity: preamble.count + array.count * itemSize) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            preamble.withUnsafeBufferPointer { p in
                if let source = p.baseAddress { base.initialize(from: source, count: p.count) }
            }
            let out = base + preamble.count
            if array.isBool {
                for i in 0..<array.count { out[i] = array.data[i] != 0 ? 1 : 0 }
            } else {
                let raw = UnsafeMutableRawPointer(out)
                for i in 0..<array.count {
                    raw.storeBytes(of: array.data[i].bitPattern.littleEndian, toByteOffset: 8 * i, as: UInt64.self)
                }
            }
            initialized = buffer.count
        }
        return bytes
    }

    private static func hex2(_ b: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
    }
}

// MARK: - The header's Python literals

/// The Python literals a `.npy` header may hold (what `ast.literal_eval` reads there).
indirect enum PythonLiteral {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([(String, PythonLiteral)])

    /// The literal as Python would show it, for error messages.
    var text: String {
        switch self {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let n): return String(n)
        case .float(let x): return NumberFormat.pythonFloat(x)
        case .string(let s): return Formatting.quoted(s)
        case .tuple(let items): return "(" + items.map(\.text).joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
        case .list(let items): return "[" + items.map(\.text).joined(separator: ", ") + "]"
        case .dict(let entries): return "{" + entries.map { "\(Formatting.quoted($0.0)): \($0.1.text)" }.joined(separator: ", ") + "}"
        }
    }
}

/// A recursive-descent reader of Python literals: dicts with string keys,
/// tuples, lists, strings, ints, floats, True, False and None. Nesting is
/// bounded, so a hostile header cannot exhaust the stack.
struct LiteralParser {
    struct Failure: Error {}

    private let scalars: [Unicode.Scalar]
    private var i = 0
    private var depth = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    /// The one literal of the whole text (surrounding spaces and newlines allowed).
    mutating func parseTop() throws -> PythonLiteral {
        let value = try parseValue()
        skipSpace()
        guard i == scalars.count else { throw Failure() }
        return value
    }

    private mutating func skipSpace() {
        while i < scalars.count, scalars[i].properties.isWhitespace { i += 1 }
    }

    private mutating func take(_ c: Unicode.Scalar) -> Bool {
        skipSpace()
        if i < scalars.count, scalars[i] == c {
            i += 1
            return true
        }
        return false
    }

    private mutating func parseValue() throws -> PythonLiteral {
        depth += 1
        defer { depth -= 1 }
        guard depth < 64 else { throw Failure() }
        skipSpace()
        guard i < scalars.count else { throw Failure() }
        let c = scalars[i]
        switch c {
        case "{":
            i += 1
            var entries: [(String, PythonLiteral)] = []
            while !take("}") {
                guard case .string(let key) = try parseValue(), take(":") else { throw Failure() }
                entries.append((key, try parseValue()))
                if !take(",") {
                    guard take("}") else { throw Failure() }
                    break
                }
            }
            return .dict(entries)
        case "(", "[":
            i += 1
            let close: Unicode.Scalar = c == "(" ? ")" : "]"
            var items: [PythonLiteral] = []
            var sawComma = false
            while !take(close) {
                items.append(try parseValue())
                if take(",") {
                    sawComma = true
                } else {
                    guard take(close) else { throw Failure() }
                    break
                }
            }
            if c == "[" { return .list(items) }
            // `(x)` is x itself; `(x,)` and `()` are tuples.
            return items.count == 1 && !sawComma ? items[0] : .tuple(items)
        case "'", "\"":
            return .string(try parseString(quote: c))
        default:
            return try parseWord()
        }
    }

    private mutating func parseString(quote: Unicode.Scalar) throws -> String {
        i += 1
        var out = String.UnicodeScalarView()
        while i < scalars.count {
            let c = scalars[i]
            i += 1
            if c == quote { return String(out) }
            if c == "\n" { throw Failure() }
            if c == "\\" {
                guard i < scalars.count else { throw Failure() }
                let e = scalars[i]
                i += 1
                switch e {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "0": out.append("\u{0}")
                default: out.append(e)
                }
            } else {
                out.append(c)
            }
        }
        throw Failure()
    }

    /// A number, True, False or None.
    private mutating func parseWord() throws -> PythonLiteral {
        let start = i
        while i < scalars.count, scalars[i].properties.isAlphabetic || ("0"..."9").contains(scalars[i])
            || "+-._".unicodeScalars.contains(scalars[i]) {
            i += 1
        }
        let word = String(String.UnicodeScalarView(scalars[start..<i]))
        switch word {
        case "True": return .bool(true)
        case "False": return .bool(false)
        case "None": return .none
        default: break
        }
        var digits = word
        if digits.hasSuffix("L") { digits.removeLast() }  // Python 2 longs in old files
        if let n = Int(digits) { return .int(n) }
        if word.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let x = Double(word) { return .float(x) }
        throw Failure()
    }
}
