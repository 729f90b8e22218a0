// The shipped examples run from the repository root as README and `make run` run them,
// and print exactly what `examples/expected/NAME.out` holds, with nothing on stderr.
// Their numbers are checked against references elsewhere: the logistic fit by the
// differential program 1705 against SciPy, the quickstart's three fits of one line
// against each other in its own output. `ADL_RECORD=1` rewrites the expected files.

import Foundation
import XCTest

final class ExampleTests: XCTestCase {
    func testExamplesPrintTheirExpectedOutput() throws {
        guard let adl = GoldenTests.adlBinary() else {
            XCTFail("the adl binary was not found; build it first")
            return
        }
        let root = GoldenTests.packageRoot
        let examples = root.appendingPathComponent("examples")
        let names = try FileManager.default.contentsOfDirectory(atPath: examples.path)
            .filter { $0.hasSuffix(".adl") }.sorted()
        XCTAssertFalse(names.isEmpty)
        let record = ProcessInfo.processInfo.environment["ADL_RECORD"] == "1"
        for name in names {
            let result = try GoldenTests.run(adl, arguments: ["examples/" + name], in: root, timeout: 60)
            XCTAssertFalse(result.timedOut, "\(name) timed out")
            XCTAssertEqual(result.status, 0, "\(name) failed:\n\(result.stderr)")
            XCTAssertEqual(result.stderr, "", "\(name) wrote to stderr")
            let expectedFile = examples.appendingPathComponent("expected")
                .appendingPathComponent(name.replacingOccurrences(of: ".adl", with: ".out"))
            if record {
                try FileManager.default.createDirectory(at: expectedFile.deletingLastPathComponent(),
                                                        withIntermediateDirectories: true)
                try result.stdout.write(to: expectedFile, atomically: true, encoding: .utf8)
                continue
            }
            guard let expected = GoldenTests.read(expectedFile) else {
                XCTFail("\(expectedFile.path) is missing (record it with ADL_RECORD=1)")
                continue
            }
            if expected != result.stdout {
                XCTFail("\(name): stdout differs from expected/\(expectedFile.lastPathComponent):\n"
                        + (try GoldenTests.diff(expected, result.stdout)))
            }
        }
    }
}
