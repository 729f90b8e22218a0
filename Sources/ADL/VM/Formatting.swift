// `str` and `repr` of every value (SPEC §6, §13): numbers as Python prints
// them, arrays as NumPy 2 prints them, containers with `repr` of each element.

public enum Formatting {
    /// What `print(v)` writes.
    public static func str(_ v: Value) -> String {
        switch v {
        case .string(let s): return s.value
        case .array(let a): return a.str()
        default: return repr(v)
        }
    }

    /// What the REPL and stdin echo show.
    public static func repr(_ v: Value) -> String {
        switch v {
        case .undefined: return "<undefined>"
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .float(let x): return NumberFormat.pythonFloat(x)
        case .array(let a): return a.repr()
        case .string(let s): return quoted(s.value)
        case .tuple(let t):
            if t.items.count == 1 { return "(" + repr(t.items[0]) + ",)" }
            return "(" + t.items.map(repr).joined(separator: ", ") + ")"
        case .list(let l): return "[" + l.items.map(repr).joined(separator: ", ") + "]"
        case .record(let r):
            let fields = zip(r.keys, r.values).map { quoted($0.0) + ": " + repr($0.1) }
            return "{" + fields.joined(separator: ", ") + "}"
        case .function(let f): return "<function \(f.proto.name)>"
        case .builtin(let b): return "<built-in function \(b.name)>"
        case .boundMethod(let m): return "<built-in method \(m.method.name)>"
        case .cell(let c): return repr(c.value)
        case .slice(let s): return "slice(\(repr(s.start)), \(repr(s.stop)), \(repr(s.step)))"
        case .iterator(let it):
            // A fresh range shows as Python shows it.
            if case .range(let start, let stop, let step) = it.source, it.position == 0 {
                return step == 1 ? "range(\(start), \(stop))" : "range(\(start), \(stop), \(step))"
            }
            return "<iterator>"
        }
    }

    /// Python's `str.isprintable()` for one character: everything but the control,
    /// format, surrogate, private-use, unassigned and separator categories (the space excepted).
    static func isPrintable(_ ch: Unicode.Scalar) -> Bool {
        if ch == " " { return true }
        switch ch.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator,
             .spaceSeparator:
            return false
        default:
            return true
        }
    }

    /// Python's repr of a string: single quotes unless the text holds one and no double quote.
    public static func quoted(_ s: String) -> String {
        let useDouble = s.contains("'") && !s.contains("\"")
        let q: Character = useDouble ? "\"" : "'"
        var out = String(q)
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "'" where !useDouble: out += "\\'"
            default:
                if isPrintable(ch) {
                    out.unicodeScalars.append(ch)
                } else {
                    // Python's escapes for what str.isprintable() refuses: \xNN, \uNNNN, \UNNNNNNNN.
                    let (prefix, width) = ch.value < 0x100 ? ("\\x", 2) : ch.value < 0x10000 ? ("\\u", 4) : ("\\U", 8)
                    let hex = String(ch.value, radix: 16)
                    out += prefix + String(repeating: "0", count: max(0, width - hex.count)) + hex
                }
            }
        }
        out.append(q)
        return out
    }

    /// NumPy's shape text: `(3,)`, `(2, 3)`, `()`.
    public static func shape(_ shape: [Int]) -> String {
        if shape.count == 1 { return "(\(shape[0]),)" }
        return "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    /// `{x!r:spec}` in an f-string; `conversion` 0 none, 1 `!r`, 2 `!s`.
    public static func format(_ v: Value, spec: String?, conversion: Int) throws -> String {
        if conversion != 0 {
            let text = conversion == 1 ? repr(v) : str(v)
            guard let spec, !spec.isEmpty else { return text }
            return try NumberFormat.format(string: text, spec: spec)
        }
        guard let spec, !spec.isEmpty else { return str(v) }
        switch v {
        case .float(let x): return try NumberFormat.format(double: x, spec: spec)
        case .int(let i): return try NumberFormat.format(int: i, spec: spec)
        case .bool(let b): return try NumberFormat.format(int: b ? 1 : 0, spec: spec)
        case .string(let s): return try NumberFormat.format(string: s.value, spec: spec)
        case .array(let a) where a.shape.isEmpty: return try NumberFormat.format(double: a.data[0], spec: spec)
        default:
            throw ADLError.type("unsupported format string passed to \(v.typeName).__format__")
        }
    }
}

/// "Did you mean" suggestions by edit distance.
public enum Suggestions {
    /// The candidate closest to `name`, if it is close enough to be a likely typo.
    public static func closest(to name: String, among candidates: [String]) -> String? {
        // One- and two-letter names are too short for a meaningful guess.
        guard name.count >= 3 else { return nil }
        let target = Array(name.lowercased().unicodeScalars)
        var best: (String, Int)?
        for c in Set(candidates) where c != name && !c.hasPrefix("$") {
            let d = distance(target, Array(c.lowercased().unicodeScalars))
            if let (bestName, bestDistance) = best {
                if d < bestDistance || (d == bestDistance && c < bestName) { best = (c, d) }
            } else {
                best = (c, d)
            }
        }
        guard let (candidate, d) = best else { return nil }
        let limit = max(1, min(3, (name.count + 1) / 3))
        return d <= limit ? candidate : nil
    }

    /// Levenshtein distance (with adjacent transpositions counted as one edit).
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prevPrev = [Int](repeating: 0, count: b.count + 1)
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    v = min(v, prevPrev[j - 2] + 1)
                }
                cur[j] = v
            }
            (prevPrev, prev, cur) = (prev, cur, prevPrev)
        }
        return prev[b.count]
    }
}
