// The REPL's pure parts: gathering lines into inputs, the history file's path,
// the colour decision, and the `:` commands run in a VM session. The REPL on a
// real terminal is tested by Tests/repl/run.py (make test).

import XCTest
@testable import ADL
@testable import ADLTools

final class REPLTests: XCTestCase {
    // MARK: - InputBuffer

    /// Feeds lines one by one; returns the inputs completed, in order.
    func inputs(_ lines: [String]) -> [String] {
        var buffer = InputBuffer()
        return lines.compactMap { buffer.add($0) }
    }

    func testSimpleStatementsRunAtOnce() {
        XCTAssertEqual(inputs(["x = 1", "x + 1"]), ["x = 1", "x + 1"])
        XCTAssertEqual(inputs(["", "   ", "y = 2"]), ["y = 2"], "blank lines at the prompt are skipped")
        XCTAssertEqual(inputs([":help sum", "grad f"]), [":help sum", "grad f"])
    }

    func testBlocksEndWithABlankLine() {
        XCTAssertEqual(inputs(["def f(x):", "    return x", "", "f(1)"]), ["def f(x):\n    return x", "f(1)"])
        XCTAssertEqual(inputs(["if True: print(1)", ""]), ["if True: print(1)"])
        XCTAssertEqual(inputs(["for i in range(2):", "    print(i)"]), [], "still open without the blank line")
    }

    func testOpenBracketsContinue() {
        XCTAssertEqual(inputs(["x = [1,", "", "  2]"]), ["x = [1,\n\n  2]"])
        XCTAssertEqual(inputs(["total = (1 +", "  2)"]), ["total = (1 +\n  2)"])
    }

    func testPastedBlankLineInsideAFunction() {
        var buffer = InputBuffer()
        let chunk = ["def g(x):", "    a = x", "", "    return a", "", "g(1)"]
        var out: [String] = []
        for (i, line) in chunk.enumerated() {
            if let input = buffer.add(line, nextPastedLine: i + 1 < chunk.count ? chunk[i + 1] : nil) { out.append(input) }
        }
        XCTAssertEqual(out, ["def g(x):\n    a = x\n\n    return a", "g(1)"])
    }

    func testRecalledChunkRunsWhenComplete() {
        var buffer = InputBuffer()
        XCTAssertNil(buffer.add("def h():", nextPastedLine: "    return 1"))
        XCTAssertNil(buffer.add("    return 1", nextPastedLine: nil))
        XCTAssertEqual(buffer.endOfChunk(), "def h():\n    return 1")
        XCTAssertNil(buffer.add("x = (1,", nextPastedLine: nil))
        XCTAssertNil(buffer.endOfChunk(), "an open bracket waits for more")
    }

    // MARK: - History file and colour

    func testHistoryPath() {
        func path(_ env: [String: String]) -> String? { HistoryFile.path(environment: { env[$0] }) }
        XCTAssertEqual(path(["HOME": "/home/ada"]), "/home/ada/.adl_history")
        XCTAssertEqual(path(["HOME": "/home/ada/"]), "/home/ada/.adl_history")
        XCTAssertEqual(path(["HOME": "/"]), "/.adl_history")
        XCTAssertEqual(path(["HOME": "/home/ada", "ADL_HISTORY": "/tmp/h"]), "/tmp/h")
        XCTAssertNil(path(["HOME": "/home/ada", "ADL_HISTORY": ""]), "an empty ADL_HISTORY keeps no file")
        XCTAssertNil(path([:]), "no home, no history file (not an error)")
    }

    func testHistoryEntriesNeverLookLikeTimestamps() {
        XCTAssertEqual(HistoryFile.escapingTimestampLines("#1 first\nx = 1\n#2\n# note"), " #1 first\nx = 1\n #2\n# note")
    }

    func testColourDecision() {
        XCTAssertTrue(Terminal.colourAllowed(noColor: nil, term: "xterm", isTerminal: true))
        XCTAssertFalse(Terminal.colourAllowed(noColor: "1", term: "xterm", isTerminal: true))
        XCTAssertTrue(Terminal.colourAllowed(noColor: "", term: "xterm", isTerminal: true), "NO_COLOR counts when not empty")
        XCTAssertFalse(Terminal.colourAllowed(noColor: nil, term: "xterm", isTerminal: false))
        XCTAssertFalse(Terminal.colourAllowed(noColor: nil, term: "dumb", isTerminal: true))
    }

    func testColouredDiagnosticKeepsTheText() {
        let plain = "error: bad\n  --> <stdin>:1:3\n   |\n 1 | x + y\n   |   ^\n  = did you mean 'z'?\n"
        let coloured = Terminal.colourDiagnostic(plain)
        XCTAssertTrue(coloured.contains("\u{1B}[1;31merror:"))
        XCTAssertTrue(coloured.contains("\u{1B}[1;31m   ^"))
        let stripped = coloured.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        XCTAssertEqual(stripped, plain)
    }

    // MARK: - Commands in a session

    /// Runs `source` (stdin mode, commands registered); returns what it printed.
    func session(_ source: String) throws -> String {
        let vm = VM()
        var out = ""
        vm.write = { out += $0 }
        SessionCommands.register(in: vm)
        try vm.run(source: SourceFile(name: "<stdin>", text: source), echo: true)
        return out
    }

    func testHelpAndVars() throws {
        XCTAssertTrue(try session(":help sum\n").hasPrefix("sum(a, axis=None, keepdims=False)\n"))
        XCTAssertTrue(try session(":help\n").hasPrefix("Commands (a line starting with the word):\n  grad f [wrt x] [at EXPR, ...]"))
        XCTAssertEqual(try session(":vars\n"), "no variables defined\n")
        XCTAssertEqual(try session("a = zeros((2, 3))\nk = 7\n:vars\n"),
                       "name  type   shape / value\na     array  (2, 3)\nk     int    7\n")
    }

    func testCommandArgumentsAreChecked() throws {
        XCTAssertThrowsError(try session(":vars now\n")) { error in
            let e = error as? ADLError
            XCTAssertEqual(e?.message, "':vars' takes no argument")
            XCTAssertEqual(e?.location, SourceLocation(line: 1, column: 7))
        }
        XCTAssertThrowsError(try session(":time\n")) { XCTAssertEqual(($0 as? ADLError)?.message, "usage: :time EXPR") }
        XCTAssertThrowsError(try session(":dis\n")) { XCTAssertEqual(($0 as? ADLError)?.message, "usage: :dis f, or :dis grad(f), x") }
        XCTAssertThrowsError(try session("\n:quit\n")) { XCTAssertTrue($0 is QuitRequest) }
    }

    func testErrorsInsideCommandsPointIntoTheLine() throws {
        XCTAssertThrowsError(try session("x = 1\n:time x + [1, 2][7]\n")) { error in
            let e = error as? ADLError
            XCTAssertEqual(e?.location, SourceLocation(line: 2, column: 17))
            XCTAssertEqual(e?.file?.line(2), ":time x + [1, 2][7]")
        }
        XCTAssertThrowsError(try session("def f(x):\n    return x[5]\n\n:time f(zeros(2))\n")) { error in
            let e = error as? ADLError
            XCTAssertEqual(e?.location, SourceLocation(line: 2, column: 13))
            XCTAssertEqual(e?.trace, [TraceEntry(function: "f", file: "<stdin>", line: 2, calledFrom: "<stdin>:4")],
                           "the timing loop's own frame is not in the trace")
        }
        XCTAssertThrowsError(try session(":dis nosuch\n")) { error in
            XCTAssertEqual((error as? ADLError)?.location, SourceLocation(line: 1, column: 6))
        }
    }

    func testUnquoted() {
        XCTAssertEqual(SessionCommands.unquoted("\"my file.adl\""), "my file.adl")
        XCTAssertEqual(SessionCommands.unquoted("'a.adl'"), "a.adl")
        XCTAssertEqual(SessionCommands.unquoted("plain.adl"), "plain.adl")
        XCTAssertEqual(SessionCommands.unquoted("\"unbalanced.adl"), "\"unbalanced.adl")
    }

    func testTimeCommandRuns() throws {
        let out = try session("n = 0\n:time n + 1\n")
        XCTAssertTrue(out.hasPrefix("best "), out)
        XCTAssertTrue(out.contains(" per run ("), out)
    }

    func testDurations() {
        XCTAssertEqual(SessionCommands.formatDuration(812e-9), "812 ns")
        XCTAssertEqual(SessionCommands.formatDuration(1.25e-3), "1.25 ms")
        XCTAssertEqual(SessionCommands.formatDuration(12.5e-6), "12.5 µs")
        XCTAssertEqual(SessionCommands.formatDuration(3.0), "3.00 s")
        XCTAssertEqual(SessionCommands.formatDuration(0.000_000_001_5), "1.50 ns")
        XCTAssertEqual(SessionCommands.timingReport(perRun: [3e-3, 1e-3, 2e-3], runs: 10),
                       "best 1.00 ms, median 2.00 ms per run (3 loops of 10 runs)")
        XCTAssertEqual(SessionCommands.timingReport(perRun: [2.5], runs: 1),
                       "best 2.50 s, median 2.50 s per run (1 loop of 1 run)")
    }
}
