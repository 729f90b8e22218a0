// Renders an `ADLError` in the SPEC §11 layout:
//
//   error: operands could not be broadcast together with shapes (3,) (4,)
//     --> model.adl:7:13
//      |
//    7 |     return x + w
//      |              ^
//     in loss (model.adl:7), called from model.adl:12

public enum DiagnosticRenderer {
    /// The full multi-line text of `error`, ending with a newline.
    public static func render(_ error: ADLError) -> String {
        var out = "error: \(error.message)\n"
        if let location = error.location, location != .unknown, let file = error.file {
            let lineNumber = Int(location.line)
            let column = max(1, Int(location.column))
            out += "  --> \(file.name):\(lineNumber):\(column)\n"
            if let text = file.line(lineNumber) {
                let gutter = String(lineNumber)
                let pad = String(repeating: " ", count: gutter.count)
                // Keep the caret under the character even when the line holds tabs.
                var caretPad = ""
                for (index, scalar) in text.unicodeScalars.enumerated() where index < column - 1 {
                    caretPad.append(scalar == "\t" ? "\t" : " ")
                }
                if caretPad.unicodeScalars.count < column - 1 {
                    caretPad += String(repeating: " ", count: column - 1 - caretPad.unicodeScalars.count)
                }
                out += " \(pad) |\n"
                out += " \(gutter) | \(text)\n"
                out += " \(pad) | \(caretPad)^\n"
            }
        }
        for note in error.notes {
            out += "  = \(note)\n"
        }
        // Deep recursion repeats one frame many times: show it three times, then count.
        var index = 0
        let trace = error.trace
        while index < trace.count {
            let entry = trace[index]
            var run = 1
            while index + run < trace.count && trace[index + run] == entry { run += 1 }
            for _ in 0..<min(run, 3) { out += line(entry) }
            if run > 3 { out += "  [previous line repeated \(run - 3) more times]\n" }
            index += run
        }
        return out
    }

    static func line(_ entry: TraceEntry) -> String {
        if let from = entry.calledFrom {
            return "  in \(entry.function) (\(entry.file):\(entry.line)), called from \(from)\n"
        }
        return "  in \(entry.function) (\(entry.file):\(entry.line))\n"
    }
}
