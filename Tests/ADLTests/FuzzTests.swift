// The robustness test: 100,000 random and mutated programs (mutations of the golden
// scripts, deep nestings, huge literals, programs from a tiny grammar) through the lexer,
// parser, compiler and VM, each in a fresh VM with a time limit. Every program must end
// normally or with an ADL error; a Swift trap kills the test process, and the program
// that caused it is left in $TMPDIR/adl-fuzz-test-PID/current.adl (seed and index in .info;
// one folder per test process, so test runs in several checkouts at once do not share it;
// `swift run adl-fuzz --seed S --index I --depth-scale 1 --size-scale 0.03 --time-limit 50`
// prints it again). The long run is `make fuzz`.
//
// Kept under a few minutes in a debug build by a 50 ms time limit and short chains,
// argument lists and literals (`sizeScale`); nesting depths keep their full 50–400 range.

import ADL
import ADLFuzz
import Foundation
import XCTest

final class FuzzTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let goldenDirectory = packageRoot.appendingPathComponent("Tests/golden").path

    static let seed: UInt64 = 0xAD1_F022
    static let count = 100_000

    func testHundredThousandProgramsEndInADLErrorsOrSuccess() throws {
        let corpus = Fuzzer.loadCorpus(directory: Self.goldenDirectory)
        XCTAssertGreaterThan(corpus.count, 100, "golden scripts not found under \(Self.goldenDirectory)")

        // Mutants may call `save`: run them in a scratch folder.
        let previous = FileManager.default.currentDirectoryPath
        let sandbox = FileManager.default.temporaryDirectory.appendingPathComponent("adl-fuzz-test-\(getpid())")
        try FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(sandbox.path))
        defer {
            _ = FileManager.default.changeCurrentDirectoryPath(previous)
            try? FileManager.default.removeItem(at: sandbox)
        }

        var campaign = Campaign(seed: Self.seed, count: Self.count)
        campaign.timeLimitMilliseconds = 50
        campaign.sizeScale = 0.03
        let currentProgramPath = sandbox.appendingPathComponent("current.adl").path
        campaign.currentProgramPath = currentProgramPath
        // A builtin that never returns cannot be interrupted: end the test process with a
        // message rather than hang CI (or fill the memory, see Tests/fuzz-findings.md).
        campaign.hangSeconds = 30
        campaign.onHang = { index, seconds in
            let message = "FuzzTests: program \(index) (seed \(FuzzTests.seed)) still running after \(Int(seconds)) s, "
                + "a hang in a builtin; the program is in \(currentProgramPath)\n"
            FileHandle.standardError.write(Data(message.utf8))
            _exit(1)
        }
        var failures: [String] = []
        let stats = campaign.run(corpus: corpus, progress: { _, stats in
            if stats.programs > 0 { print("fuzz: \(stats.programs) programs, \(Int(stats.elapsedSeconds)) s") }
        }, slow: { index, _, seconds in
            print("fuzz: program \(index) took \(seconds) s")
        }, failure: { index, program, outcome in
            failures.append("program \(index) (seed \(Self.seed)): \(outcome)\n\(program)")
            return failures.count < 10
        })

        print("adl errors by kind: \(stats.kindBreakdown)")
        print("programs by strategy: \(stats.strategyBreakdown)")
        print(String(format: "elapsed %.1f s, slowest program %d (%.2f s)", stats.elapsedSeconds, stats.slowestIndex, stats.slowestSeconds))
        print(stats.summary)
        XCTAssertEqual(stats.failures, 0, "non-ADL errors:\n" + failures.joined(separator: "\n\n"))
        XCTAssertEqual(stats.programs, Self.count)
        // The mix should stay a mix: some programs run to the end, most fail somewhere.
        XCTAssertGreaterThan(stats.ok, Self.count / 20)
        XCTAssertGreaterThan(stats.adlErrors, Self.count / 2)
    }

    // MARK: - The fuzzer itself

    func testStreamIsDeterministic() {
        let corpus = ["x = [1.0, 2.0]\nprint(x + 1)\n", "def f(a):\n    return a * 2\nprint(f(3))\n"]
        var a = Fuzzer(seed: 42, corpus: corpus)
        var b = Fuzzer(seed: 42, corpus: corpus)
        var c = Fuzzer(seed: 43, corpus: corpus)
        var differs = false
        for i in 0..<200 {
            let p = a.nextProgram()
            XCTAssertEqual(p, b.nextProgram())
            XCTAssertEqual(p, a.program(at: i))
            if p != c.nextProgram() { differs = true }
        }
        XCTAssertTrue(differs)
    }

    func testOutcomes() {
        let maxElements = NDArray.maxElements
        XCTAssertEqual(Fuzzer.runOne("x = 1\nprint(x)\n"), .ok)
        XCTAssertEqual(Fuzzer.runOne("x = (\n"), .adlError(.syntax))
        XCTAssertEqual(Fuzzer.runOne("print(undefined_name)\n"), .adlError(.name))
        XCTAssertEqual(Fuzzer.runOne("def f(n):\n    return f(n + 1)\nf(0)\n"), .adlError(.recursion))
        XCTAssertEqual(Fuzzer.runOne("x = zeros(2000000)\n"), .adlError(.memory))
        XCTAssertEqual(Fuzzer.runOne("while True:\n    pass\n", timeLimitMilliseconds: 20), .adlError(.interrupt))
        // The watchdog of one program never interrupts the next.
        XCTAssertEqual(Fuzzer.runOne("x = 0\nfor i in range(100):\n    x += i\n"), .ok)
        // The limits are restored afterwards.
        XCTAssertEqual(NDArray.maxElements, maxElements)
    }
}
