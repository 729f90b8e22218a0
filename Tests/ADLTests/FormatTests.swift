// Python number formatting: repr(float) and format(x, spec), compared with
// fixtures that Fixtures/make_print_fixtures.py generated from CPython.

import Foundation
import XCTest
@testable import ADL

/// Reads a JSON-lines fixture that sits in Tests/ADLTests/Fixtures.
func loadJSONLinesFixture(_ name: String, file: StaticString = #filePath) throws -> [[String: Any]] {
    let url = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent(name)
    let text = try String(contentsOf: url, encoding: .utf8)
    return try text.split(separator: "\n").map { line in
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw ADLError.io("bad fixture line in \(name)")
        }
        return object
    }
}

/// Parses a float.hex() string (or nan/inf) exactly.
func fixtureDouble(_ text: String) -> Double? {
    Double(text)
}

final class FormatTests: XCTestCase {
    func testPythonFloatMatchesCPython() throws {
        let records = try loadJSONLinesFixture("python_float.jsonl")
        XCTAssertGreaterThan(records.count, 2000)
        var failures = 0
        for r in records {
            guard let hex = r["x"] as? String, let expected = r["repr"] as? String,
                  let x = fixtureDouble(hex) else {
                XCTFail("bad record \(r)")
                continue
            }
            let got = NumberFormat.pythonFloat(x)
            if got != expected {
                failures += 1
                if failures < 20 { XCTFail("repr(\(hex)): got \(got), expected \(expected)") }
            }
        }
        XCTAssertEqual(failures, 0)
    }

    func testPythonFloatExamples() {
        XCTAssertEqual(NumberFormat.pythonFloat(2), "2.0")
        XCTAssertEqual(NumberFormat.pythonFloat(0.1), "0.1")
        XCTAssertEqual(NumberFormat.pythonFloat(1e-10), "1e-10")
        XCTAssertEqual(NumberFormat.pythonFloat(1e16), "1e+16")
        XCTAssertEqual(NumberFormat.pythonFloat(1e15), "1000000000000000.0")
        XCTAssertEqual(NumberFormat.pythonFloat(0.0001), "0.0001")
        XCTAssertEqual(NumberFormat.pythonFloat(-0.0), "-0.0")
        XCTAssertEqual(NumberFormat.pythonFloat(.nan), "nan")
        XCTAssertEqual(NumberFormat.pythonFloat(-.infinity), "-inf")
    }

    func testFormatSpecsMatchCPython() throws {
        let records = try loadJSONLinesFixture("format_spec.jsonl")
        XCTAssertGreaterThan(records.count, 500)
        var failures = 0
        for r in records {
            guard let kind = r["kind"] as? String, let spec = r["spec"] as? String,
                  let x = r["x"] as? String else {
                XCTFail("bad record \(r)")
                continue
            }
            let got: String?
            do {
                switch kind {
                case "float": got = try NumberFormat.format(double: fixtureDouble(x) ?? .nan, spec: spec)
                case "int": got = try NumberFormat.format(int: Int(x) ?? 0, spec: spec)
                default: got = try NumberFormat.format(string: x, spec: spec)
                }
            } catch let error as ADLError {
                XCTAssertEqual(error.kind, .value)
                got = nil
            }
            let expected = r["out"] as? String
            if got != expected {
                failures += 1
                if failures < 30 {
                    XCTFail("format(\(kind) \(x), '\(spec)'): got \(got ?? "error"), expected \(expected ?? "error")")
                }
            }
        }
        XCTAssertEqual(failures, 0)
    }

    func testFormatErrorsNameTheSpec() {
        XCTAssertThrowsError(try NumberFormat.format(double: 1, spec: "abc")) { error in
            XCTAssertEqual((error as? ADLError)?.message, "invalid format specifier 'abc' for float")
        }
        XCTAssertThrowsError(try NumberFormat.format(double: 1, spec: ".3q")) { error in
            XCTAssertEqual((error as? ADLError)?.message, "unknown format code 'q' for float")
        }
        XCTAssertThrowsError(try NumberFormat.format(double: 1, spec: "d")) { error in
            XCTAssertEqual((error as? ADLError)?.message, "unknown format code 'd' for float")
        }
    }
}
