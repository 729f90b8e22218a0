// A Wadler/Oppen-style pretty printer: a document is text with optional line
// breaks grouped into nested groups; a group is printed on one line when it
// fits in the remaining width, else each of its breaks starts a new line,
// indented by its nesting (hanging indentation). The ADL printer breaks only
// at operator boundaries, before the operator.

indirect enum Doc {
    case text(String)
    /// A space when its group is flat, else a newline and the indentation.
    case line
    /// Nothing when its group is flat, else a newline and the indentation.
    case softLine
    case group(Doc)
    case nest(Int, Doc)
    case cat([Doc])

    /// The width of the document printed flat.
    var flatWidth: Int {
        switch self {
        case .text(let s): return s.unicodeScalars.count
        case .line: return 1
        case .softLine: return 0
        case .group(let d), .nest(_, let d): return d.flatWidth
        case .cat(let ds): return ds.reduce(0) { $0 + $1.flatWidth }
        }
    }

    /// The text laid out in `width` columns, the first line starting at column `start`.
    func render(width: Int, start: Int = 0) -> String {
        var out = ""
        var column = start
        // (indentation, flat, document), processed from the end.
        var stack: [(Int, Bool, Doc)] = [(0, false, self)]
        while let (indent, flat, doc) = stack.popLast() {
            switch doc {
            case .text(let s):
                out += s
                column += s.unicodeScalars.count
            case .line, .softLine:
                if flat {
                    if case .line = doc { out += " "; column += 1 }
                } else {
                    out += "\n" + String(repeating: " ", count: indent)
                    column = indent
                }
            case .group(let d):
                // Flat if the group and the text up to the next break after it fit.
                let fits = flat || column + d.flatWidth + Doc.trailingWidth(stack) <= width
                stack.append((indent, fits, d))
            case .nest(let k, let d):
                stack.append((indent + k, flat, d))
            case .cat(let ds):
                for d in ds.reversed() { stack.append((indent, flat, d)) }
            }
        }
        return out
    }

    /// The width of the text that follows (up to its first possible break).
    private static func trailingWidth(_ stack: [(Int, Bool, Doc)]) -> Int {
        var total = 0
        for (_, _, doc) in stack.reversed() {
            guard let w = doc.widthToFirstBreak else { return total }
            total += w.width
            if w.broke { return total }
        }
        return total
    }

    /// The width up to the first line or soft line, and whether there is one.
    private var widthToFirstBreak: (width: Int, broke: Bool)? {
        switch self {
        case .text(let s): return (s.unicodeScalars.count, false)
        case .line, .softLine: return (0, true)
        case .group(let d), .nest(_, let d): return d.widthToFirstBreak
        case .cat(let ds):
            var total = 0
            for d in ds {
                guard let w = d.widthToFirstBreak else { return (total, true) }
                total += w.width
                if w.broke { return (total, true) }
            }
            return (total, false)
        }
    }
}
