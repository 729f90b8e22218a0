// Number formatting as Python does it: `repr(float)` (shortest round-trip
// digits, exponent form below 1e-4 and from 1e16 on) and the format-spec
// mini-language of f-strings and `format()` for floats, ints and strings.
//
// Digits come from two exact sources: Swift's `description` gives the
// shortest round-trip digits (Python's dtoa mode 0), and glibc's printf gives
// correctly rounded digits to a number of significant figures or decimal
// places (dtoa modes 2 and 3; both round ties to even). The layout of those
// digits follows CPython's `format_float_short` (Python/pystrtod.c) and the
// padding and grouping follow Python/formatter_unicode.c.

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Python's ways of turning numbers into text.
public enum NumberFormat {

    // MARK: - Digit generation

    /// Decimal digits (ASCII values, no leading or trailing zeros, except the
    /// single "0" of zero) and the decimal point position: value = 0.d1d2… × 10^decpt.
    struct Digits {
        var digits: [UInt8]
        var decpt: Int
    }

    private static let zeroDigits = Digits(digits: [48], decpt: 1)

    /// The shortest digits that round-trip to `x` (finite), from Swift's description.
    static func shortest(_ x: Double) -> Digits {
        if x == 0 { return zeroDigits }
        return parseDigits(Swift.abs(x).description)
    }

    /// Parses "123.45", "1e-05", "1.5e+20" into digits and decimal point position.
    private static func parseDigits(_ text: String) -> Digits {
        var mantissa: [UInt8] = []
        var intDigits = 0
        var seenPoint = false
        var exponent = 0
        var bytes = Array(text.utf8)[...]
        while let c = bytes.first {
            if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                bytes = bytes.dropFirst()
                var negative = false
                if let s = bytes.first, s == UInt8(ascii: "-") || s == UInt8(ascii: "+") {
                    negative = s == UInt8(ascii: "-")
                    bytes = bytes.dropFirst()
                }
                var e = 0
                for d in bytes where d >= 48 && d <= 57 { e = e * 10 + Int(d - 48) }
                exponent = negative ? -e : e
                break
            }
            if c == UInt8(ascii: ".") {
                seenPoint = true
            } else if c >= 48 && c <= 57 {
                mantissa.append(c)
                if !seenPoint { intDigits += 1 }
            }
            bytes = bytes.dropFirst()
        }
        var decpt = intDigits + exponent
        var start = 0
        while start < mantissa.count && mantissa[start] == 48 {
            start += 1
            decpt -= 1
        }
        var end = mantissa.count
        while end > start && mantissa[end - 1] == 48 { end -= 1 }
        if start == end { return zeroDigits }
        return Digits(digits: Array(mantissa[start..<end]), decpt: decpt)
    }

    /// printf of one double with a single precision argument.
    static func printf(_ format: String, _ precision: Int, _ x: Double) -> String {
        let size = 400 + precision
        var buffer = [CChar](repeating: 0, count: size)
        let written = buffer.withUnsafeMutableBufferPointer { buf -> Int32 in
            withVaList([Int32(precision), x]) { args in
                vsnprintf(buf.baseAddress, size, format, args)
            }
        }
        if written < 0 { return "" }
        let bytes = buffer.prefix(Swift.min(Int(written), size - 1)).map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `x` (finite) correctly rounded to `n >= 1` significant digits.
    static func significant(_ x: Double, _ n: Int) -> Digits {
        if x == 0 { return zeroDigits }
        return parseDigits(printf("%.*e", n - 1, Swift.abs(x)))
    }

    /// `x` (finite) correctly rounded to `places >= 0` decimal places; a value
    /// that rounds to zero has no digits and decpt = -places (as dtoa mode 3).
    static func fixed(_ x: Double, _ places: Int) -> Digits {
        if x == 0 { return zeroDigits }
        let d = parseDigits(printf("%.*f", places, Swift.abs(x)))
        if d.digits == [48] { return Digits(digits: [], decpt: -places) }
        return d
    }

    // MARK: - Python's format_float_short

    /// The layout step of CPython's `format_float_short`, from digits already
    /// rounded for the mode. `code` is e, f, g or r (lower case).
    static func layout(_ d: Digits, negative: Bool, code: Character, precision: Int,
                       addDot0: Bool, alternate: Bool, upper: Bool) -> String {
        let digits = d.digits
        var decpt = d.decpt
        let digitsLen = digits.count
        var useExp = false
        var exp = 0
        var vdigitsEnd = digitsLen
        switch code {
        case "e":
            useExp = true
            vdigitsEnd = precision
        case "f":
            vdigitsEnd = decpt + precision
        case "g":
            if decpt <= -4 || decpt > (addDot0 ? precision - 1 : precision) { useExp = true }
            if alternate { vdigitsEnd = precision }
        default:  // "r"
            if decpt <= -4 || decpt > 16 { useExp = true }
        }
        if useExp {
            exp = decpt - 1
            decpt = 1
        }
        let vdigitsStart = decpt <= 0 ? decpt - 1 : 0
        if !useExp && addDot0 {
            vdigitsEnd = vdigitsEnd > decpt ? vdigitsEnd : decpt + 1
        } else {
            vdigitsEnd = vdigitsEnd > decpt ? vdigitsEnd : decpt
        }
        var out: [UInt8] = []
        out.reserveCapacity(Swift.max(0, vdigitsEnd - vdigitsStart) + 8)
        if negative { out.append(UInt8(ascii: "-")) }
        let zero = UInt8(ascii: "0")
        let point = UInt8(ascii: ".")
        if decpt <= 0 {
            out.append(contentsOf: repeatElement(zero, count: decpt - vdigitsStart))
            out.append(point)
            out.append(contentsOf: repeatElement(zero, count: -decpt))
        } else {
            out.append(contentsOf: repeatElement(zero, count: -vdigitsStart))
        }
        if decpt > 0 && decpt <= digitsLen {
            out.append(contentsOf: digits[0..<decpt])
            out.append(point)
            out.append(contentsOf: digits[decpt...])
        } else {
            out.append(contentsOf: digits)
        }
        if digitsLen < decpt {
            out.append(contentsOf: repeatElement(zero, count: decpt - digitsLen))
            out.append(point)
            out.append(contentsOf: repeatElement(zero, count: Swift.max(0, vdigitsEnd - decpt)))
        } else {
            out.append(contentsOf: repeatElement(zero, count: Swift.max(0, vdigitsEnd - digitsLen)))
        }
        if out.last == point && !alternate { out.removeLast() }
        if useExp {
            out.append(upper ? UInt8(ascii: "E") : UInt8(ascii: "e"))
            out.append(exp < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            let e = Swift.abs(exp)
            if e < 10 { out.append(zero) }
            out.append(contentsOf: String(e).utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// CPython's `PyOS_double_to_string(x, code, precision, flags)`.
    static func doubleToString(_ x: Double, code: Character, precision: Int, addDot0: Bool,
                               alternate: Bool, noNegativeZero: Bool) -> String {
        let upper = code.isUppercase
        var c = Character(code.lowercased())
        var precision = precision
        if x.isNaN { return upper ? "NAN" : "nan" }
        if x.isInfinite {
            return (x < 0 ? "-" : "") + (upper ? "INF" : "inf")
        }
        let digits: Digits
        switch c {
        case "e":
            precision += 1
            digits = significant(x, precision)
        case "f":
            digits = fixed(x, precision)
        case "g":
            if precision == 0 { precision = 1 }
            digits = significant(x, precision)
        default:
            c = "r"
            digits = shortest(x)
        }
        var negative = x.sign == .minus
        if noNegativeZero && negative && (digits.digits.isEmpty || digits.digits == [48]) {
            negative = false
        }
        return layout(digits, negative: negative, code: c, precision: precision,
                      addDot0: addDot0, alternate: alternate, upper: upper)
    }

    /// Python's `repr(float)`: "2.0", "0.1", "1e-10", "1e+16", "inf", "nan", "-0.0".
    public static func pythonFloat(_ x: Double) -> String {
        doubleToString(x, code: "r", precision: 0, addDot0: true, alternate: false, noNegativeZero: false)
    }

    // MARK: - Format specs

    /// A parsed format spec: [[fill]align][sign][z][#][0][width][grouping][.precision][type].
    struct Spec {
        var fill: Character = " "
        var fillSpecified = false
        var align: Character? = nil
        var sign: Character = "-"
        var noNegativeZero = false
        var alternate = false
        var width = -1
        var grouping: Character? = nil
        var precision = -1
        var type: Character? = nil
    }

    private static func parse(_ spec: String, kind: String, defaultAlign: Character) throws -> Spec {
        let chars = Array(spec)
        var s = Spec()
        var pos = 0
        let aligns: Set<Character> = ["<", ">", "=", "^"]
        func invalid() -> ADLError {
            ADLError.value("invalid format specifier '\(spec)' for \(kind)")
        }
        if chars.count >= 2 && aligns.contains(chars[1]) {
            s.fill = chars[0]
            s.fillSpecified = true
            s.align = chars[1]
            pos = 2
        } else if chars.count >= 1 && aligns.contains(chars[0]) {
            s.align = chars[0]
            pos = 1
        }
        if pos < chars.count, ["+", "-", " "].contains(chars[pos]) {
            s.sign = chars[pos]
            pos += 1
        }
        if pos < chars.count, chars[pos] == "z" {
            s.noNegativeZero = true
            pos += 1
        }
        if pos < chars.count, chars[pos] == "#" {
            s.alternate = true
            pos += 1
        }
        if !s.fillSpecified && pos < chars.count && chars[pos] == "0" {
            s.fill = "0"
            if s.align == nil && defaultAlign == ">" { s.align = "=" }
            pos += 1
        }
        func readNumber() throws -> Int? {
            var value: Int? = nil
            while pos < chars.count, let d = chars[pos].wholeNumberValue, chars[pos].isASCII {
                let (m, o1) = (value ?? 0).multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(d)
                if o1 || o2 || a > Int(Int32.max) {
                    throw ADLError.value("too many decimal digits in format string")
                }
                value = a
                pos += 1
            }
            return value
        }
        if let w = try readNumber() { s.width = w }
        if pos < chars.count, chars[pos] == "," || chars[pos] == "_" {
            s.grouping = chars[pos]
            pos += 1
            if pos < chars.count, chars[pos] == "," || chars[pos] == "_" {
                if s.grouping == "_" && chars[pos] == "_" {
                    throw ADLError.value("cannot specify '_' with '_'")
                }
                throw ADLError.value("cannot specify both ',' and '_'")
            }
        }
        if pos < chars.count, chars[pos] == "." {
            pos += 1
            guard let p = try readNumber() else {
                throw ADLError.value("format specifier missing precision")
            }
            s.precision = p
        }
        if chars.count - pos > 1 { throw invalid() }
        // Python accepts any int precision and width; cap them so one format
        // cannot ask for gigabytes.
        if s.precision > 100_000 || s.width > 10_000_000 {
            throw ADLError.value("precision or width too big in format specifier '\(spec)'")
        }
        if pos < chars.count { s.type = chars[pos] }
        if let g = s.grouping {
            switch s.type {
            case nil, "d", "e", "f", "g", "E", "G", "%", "F": break
            case let t? where "boxX".contains(t) && g == "_": break
            case let t?:
                throw ADLError.value("cannot specify '\(g)' with '\(t)'")
            }
        }
        return s
    }

    /// Python's `_PyUnicode_InsertThousandsGrouping` for a separator every
    /// `group` digits, padding with zeros up to `minWidth` characters.
    private static func group(_ digits: [UInt8], separator: UInt8?, group: Int, minWidth: Int) -> [UInt8] {
        guard let sep = separator else {
            if digits.count >= minWidth { return digits }
            return Array(repeating: UInt8(ascii: "0"), count: minWidth - digits.count) + digits
        }
        var groups: [[UInt8]] = []
        var remaining = digits.count
        var minw = minWidth
        while true {
            let len = Swift.min(group, Swift.max(Swift.max(remaining, minw), 1))
            let zeros = Swift.max(0, len - remaining)
            let take = Swift.max(0, Swift.min(remaining, len))
            var part = [UInt8](repeating: UInt8(ascii: "0"), count: zeros)
            part.append(contentsOf: digits[(remaining - take)..<remaining])
            groups.append(part)
            remaining -= take
            minw -= len
            if remaining <= 0 && minw <= 0 { break }
            minw -= 1
        }
        return Array(groups.reversed().joined(separator: [sep]))
    }

    /// Python's `calc_number_widths` + `fill_number`: sign, prefix, grouped
    /// digits, remainder (decimal point, fraction, exponent, suffix), padding.
    private static func assemble(spec: Spec, negative: Bool, prefix: String, digits: [UInt8],
                                 remainder: String, groupSize: Int) -> String {
        var signText = ""
        switch spec.sign {
        case "+": signText = negative ? "-" : "+"
        case " ": signText = negative ? "-" : " "
        default: signText = negative ? "-" : ""
        }
        let fixedLength = signText.count + prefix.count + remainder.count
        let align = spec.align ?? ">"
        let zeroPad = spec.fill == "0" && align == "="
        let minWidth = zeroPad ? spec.width - fixedLength : 0
        let sep: UInt8? = spec.grouping.map { $0 == "," ? UInt8(ascii: ",") : UInt8(ascii: "_") }
        // Python groups nothing when there are no leading digits (inf, nan).
        let grouped = digits.isEmpty
            ? [] : group(digits, separator: sep, group: groupSize, minWidth: minWidth)
        let body = String(decoding: grouped, as: UTF8.self)
        let padding = spec.width - (fixedLength + grouped.count)
        let fill = String(spec.fill)
        if padding <= 0 {
            return signText + prefix + body + remainder
        }
        switch align {
        case "<":
            return signText + prefix + body + remainder + String(repeating: fill, count: padding)
        case "^":
            let left = padding / 2
            return String(repeating: fill, count: left) + signText + prefix + body + remainder
                + String(repeating: fill, count: padding - left)
        case "=":
            return signText + prefix + String(repeating: fill, count: padding) + body + remainder
        default:
            return String(repeating: fill, count: padding) + signText + prefix + body + remainder
        }
    }

    /// Splits a formatted number (without sign) into its leading digits and
    /// the rest, as Python's `parse_number` does.
    private static func splitDigits(_ text: String) -> ([UInt8], String) {
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count && bytes[i] >= 48 && bytes[i] <= 57 { i += 1 }
        return (Array(bytes[..<i]), String(decoding: bytes[i...], as: UTF8.self))
    }

    /// `format(x, spec)` for a float, as Python.
    public static func format(double x: Double, spec: String) throws -> String {
        if spec.isEmpty { return pythonFloat(x) }
        let s = try parse(spec, kind: "float", defaultAlign: ">")
        return try formatFloat(x, s, spec: spec, kind: "float")
    }

    private static func formatFloat(_ x: Double, _ s: Spec, spec: String, kind: String) throws -> String {
        var code: Character
        var addDot0 = false
        var value = x
        var percent = false
        var precision = s.precision
        switch s.type {
        case nil:
            code = "r"
            addDot0 = true
        case "n":
            code = "g"
        case "%":
            code = "f"
            value *= 100
            percent = true
        case let t? where "eEfFgG".contains(t):
            code = t
        case let t?:
            throw ADLError.value("unknown format code '\(t)' for \(kind)")
        }
        if precision < 0 {
            precision = s.type == nil ? 0 : 6
        } else if code == "r" {
            code = "g"
        }
        var text = doubleToString(value, code: code, precision: precision, addDot0: addDot0,
                                  alternate: s.alternate, noNegativeZero: s.noNegativeZero)
        if percent { text += "%" }
        var negative = false
        if text.hasPrefix("-") {
            negative = true
            text.removeFirst()
        }
        let (digits, remainder) = splitDigits(text)
        return assemble(spec: s, negative: negative, prefix: "", digits: digits,
                        remainder: remainder, groupSize: 3)
    }

    /// `format(n, spec)` for an int, as Python (float types convert to float).
    public static func format(int n: Int, spec: String) throws -> String {
        if spec.isEmpty { return String(n) }
        let s = try parse(spec, kind: "int", defaultAlign: ">")
        switch s.type {
        case let t? where "eEfFgG%".contains(t):
            return try formatFloat(Double(n), s, spec: spec, kind: "int")
        default:
            break
        }
        if s.precision >= 0 {
            throw ADLError.value("precision not allowed in integer format specifier")
        }
        if s.noNegativeZero {
            throw ADLError.value("negative zero coercion (z) not allowed in integer format specifier")
        }
        let magnitude = n.magnitude
        var prefix = ""
        var digits: String
        var groupSize = 3
        switch s.type {
        case nil, "d", "n":
            digits = String(magnitude)
        case "b":
            digits = String(magnitude, radix: 2)
            prefix = "0b"
            groupSize = 4
        case "o":
            digits = String(magnitude, radix: 8)
            prefix = "0o"
            groupSize = 4
        case "x":
            digits = String(magnitude, radix: 16)
            prefix = "0x"
            groupSize = 4
        case "X":
            digits = String(magnitude, radix: 16, uppercase: true)
            prefix = "0X"
            groupSize = 4
        case "c":
            if s.sign != "-" {
                throw ADLError.value("sign not allowed with integer format specifier 'c'")
            }
            if s.alternate {
                throw ADLError.value("alternate form (#) not allowed with integer format specifier 'c'")
            }
            guard n >= 0, n < 0x110000, let scalar = Unicode.Scalar(UInt32(n)) else {
                throw ADLError.value("%c arg not in range(0x110000)")
            }
            return try format(string: String(Character(scalar)),
                              spec: String(spec.dropLast()))
        case let t?:
            throw ADLError.value("unknown format code '\(t)' for int")
        }
        if !s.alternate { prefix = "" }
        return assemble(spec: s, negative: n < 0, prefix: prefix, digits: Array(digits.utf8),
                        remainder: "", groupSize: groupSize)
    }

    /// `format(text, spec)` for a string, as Python: alignment, fill, width
    /// and precision (truncation).
    public static func format(string text: String, spec: String) throws -> String {
        if spec.isEmpty { return text }
        let s = try parse(spec, kind: "str", defaultAlign: "<")
        if let t = s.type, t != "s" {
            throw ADLError.value("unknown format code '\(t)' for str")
        }
        if s.sign != "-" { throw ADLError.value("sign not allowed in string format specifier") }
        if s.alternate {
            throw ADLError.value("alternate form (#) not allowed in string format specifier")
        }
        if s.align == "=" {
            throw ADLError.value("'=' alignment not allowed in string format specifier")
        }
        if let g = s.grouping { throw ADLError.value("cannot specify '\(g)' with 's'") }
        var scalars = Array(text.unicodeScalars)
        if s.precision >= 0 && scalars.count > s.precision {
            scalars = Array(scalars[..<s.precision])
        }
        var body = String()
        body.unicodeScalars.append(contentsOf: scalars)
        let padding = s.width - scalars.count
        if padding <= 0 { return body }
        let fill = String(s.fill)
        switch s.align ?? "<" {
        case ">": return String(repeating: fill, count: padding) + body
        case "^":
            let left = padding / 2
            return String(repeating: fill, count: left) + body + String(repeating: fill, count: padding - left)
        default: return body + String(repeating: fill, count: padding)
        }
    }
}
