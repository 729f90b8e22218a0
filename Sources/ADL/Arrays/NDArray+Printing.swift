// Printing arrays exactly as NumPy 2.x does with its default print options
// (numpy/_core/arrayprint.py is the specification): precision 8, floatmode
// 'maxprec', suppress=False, linewidth 75, threshold 1000, edgeitems 3,
// sign '-'. `FloatFormatter` is arrayprint's `FloatingFormat`;
// `formatArray` is `_formatArray`; `str()` and `repr()` are `array_str`
// and `array_repr`.

extension NumberFormat {
    /// NumPy's `dragon4_positional(x, precision, unique=True, fractional=True,
    /// trim='.')` split at the decimal point: ("-12", "25") for -12.25.
    static func dragon4Positional(_ x: Double, precision: Int) -> (intPart: String, fracPart: String) {
        var d = shortest(x)
        if d.digits.count - d.decpt > precision {
            d = fixed(x, precision)
        }
        let sign = x.sign == .minus ? "-" : ""
        if d.digits.isEmpty { return (sign + "0", "") }
        let digits = d.digits
        let zero = UInt8(ascii: "0")
        var intPart: [UInt8] = []
        var fracPart: [UInt8] = []
        if d.decpt <= 0 {
            intPart = [zero]
            fracPart = Array(repeating: zero, count: -d.decpt) + digits
        } else if d.decpt >= digits.count {
            intPart = digits + Array(repeating: zero, count: d.decpt - digits.count)
        } else {
            intPart = Array(digits[..<d.decpt])
            fracPart = Array(digits[d.decpt...])
        }
        if d.digits == [zero] { fracPart = [] }
        return (sign + String(decoding: intPart, as: UTF8.self), String(decoding: fracPart, as: UTF8.self))
    }

    /// NumPy's `dragon4_scientific(x, precision, unique=True, trim='.')` split
    /// into mantissa integer part, fraction digits and exponent: ("1", "5", -5).
    static func dragon4Scientific(_ x: Double, precision: Int) -> (intPart: String, fracPart: String, exponent: Int) {
        var d = shortest(x)
        if d.digits.count - 1 > precision {
            d = significant(x, precision + 1)
        }
        let sign = x.sign == .minus ? "-" : ""
        let digits = d.digits
        let first = String(decoding: digits.prefix(1), as: UTF8.self)
        let rest = String(decoding: digits.dropFirst(), as: UTF8.self)
        let exponent = x == 0 ? 0 : d.decpt - 1
        return (sign + first, rest, exponent)
    }
}

/// arrayprint's `FloatingFormat` with the default options: decides between
/// positional and scientific notation for a set of values and pads every
/// element to a common width.
struct FloatFormatter {
    static let precision = 8
    var expFormat = false
    var padLeft = 0
    var padRight = 0
    var expSize = -1
    /// Fraction digits in scientific mode (min_digits = precision there).
    var expPrecision = precision

    init<S: Sequence>(_ values: S) where S.Element == Double {
        var finite: [Double] = []
        var hasNonFinite = false
        var negativeInfinity = false
        for v in values {
            if v.isFinite {
                finite.append(v)
            } else {
                hasNonFinite = true
                if v == -.infinity { negativeInfinity = true }
            }
        }
        var maxAbs = 0.0
        var minAbs = Double.infinity
        for v in finite where v != 0 {
            let a = Swift.abs(v)
            maxAbs = Swift.max(maxAbs, a)
            minAbs = Swift.min(minAbs, a)
        }
        if maxAbs > 0 {
            if maxAbs >= 1e8 || minAbs < 0.0001 || maxAbs / minAbs > 1000.0 {
                expFormat = true
            }
        }
        if finite.isEmpty {
            padLeft = 0
            padRight = 0
        } else if expFormat {
            var maxExpDigits = 0
            var maxFrac = 0
            var maxInt = 0
            for v in finite {
                let s = NumberFormat.dragon4Scientific(v, precision: FloatFormatter.precision)
                let e = Swift.abs(s.exponent)
                maxExpDigits = Swift.max(maxExpDigits, e < 10 ? 2 : String(e).count)
                maxFrac = Swift.max(maxFrac, s.fracPart.count)
                maxInt = Swift.max(maxInt, s.intPart.count)
            }
            expSize = maxExpDigits
            expPrecision = maxFrac
            padLeft = maxInt
            padRight = expSize + 2 + expPrecision
        } else {
            for v in finite {
                let s = NumberFormat.dragon4Positional(v, precision: FloatFormatter.precision)
                padLeft = Swift.max(padLeft, s.intPart.count)
                padRight = Swift.max(padRight, s.fracPart.count)
            }
        }
        if hasNonFinite {
            let offset = padRight + 1
            padLeft = Swift.max(padLeft, 3 - offset, 3 + (negativeInfinity ? 1 : 0) - offset)
        }
    }

    /// One element, padded to the common width.
    func format(_ x: Double) -> String {
        if !x.isFinite {
            let text = x.isNaN ? "nan" : (x < 0 ? "-inf" : "inf")
            return String(repeating: " ", count: Swift.max(0, padLeft + padRight + 1 - text.count)) + text
        }
        if expFormat {
            var s = NumberFormat.dragon4Scientific(x, precision: expPrecision)
            var frac = s.fracPart
            if frac.count < expPrecision {
                // min_digits = precision: the digits after the shortest form are the
                // exact value's (they differ from zeros only for subnormal numbers).
                let exact = NumberFormat.significant(x, expPrecision + 1)
                if x != 0, exact.digits.count == expPrecision + 1 {
                    frac = String(decoding: exact.digits.dropFirst(), as: UTF8.self)
                    s = ((x.sign == .minus ? "-" : "") + String(decoding: exact.digits.prefix(1), as: UTF8.self),
                         frac, exact.decpt - 1)
                } else {
                    frac += String(repeating: "0", count: expPrecision - frac.count)
                }
            }
            let e = Swift.abs(s.exponent)
            var digits = String(e)
            if digits.count < expSize {
                digits = String(repeating: "0", count: expSize - digits.count) + digits
            }
            let mantissa = String(repeating: " ", count: Swift.max(0, padLeft - s.intPart.count)) + s.intPart
            return mantissa + "." + frac + "e" + (s.exponent < 0 ? "-" : "+") + digits
        }
        let s = NumberFormat.dragon4Positional(x, precision: FloatFormatter.precision)
        return String(repeating: " ", count: Swift.max(0, padLeft - s.intPart.count)) + s.intPart
            + "." + s.fracPart + String(repeating: " ", count: Swift.max(0, padRight - s.fracPart.count))
    }
}

extension NDArray {
    static let printThreshold = 1000
    static let printEdgeItems = 3
    static let printLineWidth = 75

    /// The elements NumPy looks at to choose the format of a summarised
    /// array (`_leading_trailing`): the first and last `edgeItems` along
    /// every axis longer than twice that.
    private func edgeValues() -> [Double] {
        var result: [Double] = []
        let strides = NDArray.contiguousStrides(shape)
        func visit(_ axis: Int, _ offset: Int) {
            if axis == ndim {
                result.append(data[offset])
                return
            }
            let n = shape[axis]
            if n > 2 * NDArray.printEdgeItems {
                for i in 0..<NDArray.printEdgeItems { visit(axis + 1, offset + i * strides[axis]) }
                for i in (n - NDArray.printEdgeItems)..<n { visit(axis + 1, offset + i * strides[axis]) }
            } else {
                for i in 0..<n { visit(axis + 1, offset + i * strides[axis]) }
            }
        }
        visit(0, 0)
        return result
    }

    /// The element formatter NumPy would choose for this array.
    private func elementFormatter(summarise: Bool) -> (Double) -> String {
        if isBool {
            let trueText = ndim == 0 ? "True" : " True"
            return { $0 != 0 ? trueText : "False" }
        }
        let formatter = summarise
            ? FloatFormatter(edgeValues())
            : FloatFormatter(UnsafeBufferPointer(start: data, count: count))
        return { formatter.format($0) }
    }

    /// arrayprint's `_array2string` followed by `_formatArray`.
    private func array2string(separator: String, prefix: String, lineWidth: Int) -> String {
        let summarise = count > NDArray.printThreshold
        let format = elementFormatter(summarise: summarise)
        let nextLinePrefix = " " + String(repeating: " ", count: prefix.count)
        let strides = NDArray.contiguousStrides(shape)
        let edge = NDArray.printEdgeItems
        let ndim = self.ndim

        func extendLine(_ s: inout String, _ line: inout String, _ word: String,
                        _ width: Int, _ linePrefix: String) {
            var needsWrap = line.count + word.count > width
            if line.count <= linePrefix.count { needsWrap = false }
            if needsWrap {
                s += rstrip(line) + "\n"
                line = linePrefix
            }
            line += word
        }

        func recurse(_ axis: Int, _ offset: Int, _ hangingIndent: String, _ currWidth: Int) -> String {
            let axesLeft = ndim - axis
            if axesLeft == 0 { return format(data[offset]) }
            let nextHangingIndent = hangingIndent + " "
            let nextWidth = currWidth - 1
            let n = shape[axis]
            let showSummary = summarise && 2 * edge < n
            let leading = showSummary ? edge : 0
            let trailing = showSummary ? edge : n
            var s = ""
            if axesLeft == 1 {
                let elemWidth = currWidth - Swift.max(rstrip(separator).count, 1)
                var line = hangingIndent
                for i in 0..<leading {
                    let word = recurse(axis + 1, offset + i * strides[axis], nextHangingIndent, nextWidth)
                    extendLine(&s, &line, word, elemWidth, hangingIndent)
                    line += separator
                }
                if showSummary {
                    extendLine(&s, &line, "...", elemWidth, hangingIndent)
                    line += separator
                }
                var i = trailing
                while i > 1 {
                    let word = recurse(axis + 1, offset + (n - i) * strides[axis], nextHangingIndent, nextWidth)
                    extendLine(&s, &line, word, elemWidth, hangingIndent)
                    line += separator
                    i -= 1
                }
                let word = recurse(axis + 1, offset + (n - 1) * strides[axis], nextHangingIndent, nextWidth)
                extendLine(&s, &line, word, elemWidth, hangingIndent)
                s += line
            } else {
                let lineSep = rstrip(separator) + String(repeating: "\n", count: axesLeft - 1)
                for i in 0..<leading {
                    let nested = recurse(axis + 1, offset + i * strides[axis], nextHangingIndent, nextWidth)
                    s += hangingIndent + nested + lineSep
                }
                if showSummary {
                    s += hangingIndent + "..." + lineSep
                }
                var i = trailing
                while i > 1 {
                    let nested = recurse(axis + 1, offset + (n - i) * strides[axis], nextHangingIndent, nextWidth)
                    s += hangingIndent + nested + lineSep
                    i -= 1
                }
                let nested = recurse(axis + 1, offset + (n - 1) * strides[axis], nextHangingIndent, nextWidth)
                s += hangingIndent + nested
            }
            return "[" + String(s.dropFirst(hangingIndent.count)) + "]"
        }
        return recurse(0, 0, nextLinePrefix, lineWidth)
    }

    /// `str(x)` as NumPy prints it: `[2. 4. 6.]`, `[[1. 2.]\n [3. 4.]]`,
    /// `[ True False]`, `[]`; a 0-d array prints as its scalar.
    public func str() -> String {
        if ndim == 0 {
            if isBool { return data[0] != 0 ? "True" : "False" }
            return NumberFormat.pythonFloat(data[0])
        }
        if count == 0 { return "[]" }
        return array2string(separator: " ", prefix: "", lineWidth: NDArray.printLineWidth)
    }

    /// `repr(x)` as NumPy prints it: `array([2., 4., 6.])`, with
    /// `shape=` for empty and summarised arrays and `dtype=` for empty ones.
    public func repr() -> String {
        let prefix = "array("
        let body = count == 0
            ? "[]"
            : array2string(separator: ", ", prefix: prefix, lineWidth: NDArray.printLineWidth - 1)
        var extras: [String] = []
        if (count == 0 && shape != [0]) || count > NDArray.printThreshold {
            extras.append("shape=\(formatShape(shape))")
        }
        if count == 0 {
            extras.append(isBool ? "dtype=bool" : "dtype=float64")
        }
        if extras.isEmpty { return prefix + body + ")" }
        let arrayText = prefix + body + ","
        let extraText = extras.joined(separator: ", ") + ")"
        let lastLineLength: Int
        if let newline = arrayText.lastIndex(of: "\n") {
            lastLineLength = arrayText.distance(from: newline, to: arrayText.endIndex) - 1
        } else {
            lastLineLength = arrayText.count
        }
        let spacer = lastLineLength + extraText.count + 1 > NDArray.printLineWidth
            ? "\n" + String(repeating: " ", count: prefix.count) : " "
        return arrayText + spacer + extraText
    }
}

/// The string without trailing spaces (Python's `rstrip()` on our ASCII text).
private func rstrip(_ s: String) -> String {
    var result = Substring(s)
    while result.last == " " || result.last == "\n" { result = result.dropLast() }
    return String(result)
}
