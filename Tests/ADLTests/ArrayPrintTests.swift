// NumPy's str/repr of arrays, compared with fixtures that
// Fixtures/make_print_fixtures.py generated from NumPy 2.x.

import XCTest
@testable import ADL

final class ArrayPrintTests: XCTestCase {
    func testStrAndReprMatchNumPy() throws {
        let records = try loadJSONLinesFixture("array_print.jsonl")
        XCTAssertGreaterThan(records.count, 300)
        var failures = 0
        for r in records {
            guard let shape = r["shape"] as? [Int], let isBool = r["bool"] as? Bool,
                  let hexes = r["values"] as? [String], let str = r["str"] as? String,
                  let repr = r["repr"] as? String else {
                XCTFail("bad record \(r)")
                continue
            }
            let values = hexes.map { fixtureDouble($0) ?? .nan }
            let a = try NDArray(shape: shape, values: values, isBool: isBool)
            if a.str() != str {
                failures += 1
                if failures < 10 { XCTFail("str of \(shape) \(hexes.prefix(6)):\ngot\n\(a.str())\nexpected\n\(str)") }
            }
            if a.repr() != repr {
                failures += 1
                if failures < 10 { XCTFail("repr of \(shape) \(hexes.prefix(6)):\ngot\n\(a.repr())\nexpected\n\(repr)") }
            }
        }
        XCTAssertEqual(failures, 0)
    }

    func testExamplesFromTheSpec() throws {
        let a = try NDArray(shape: [3], values: [2, 4, 6])
        XCTAssertEqual(a.str(), "[2. 4. 6.]")
        XCTAssertEqual(a.repr(), "array([2., 4., 6.])")
        let m = try NDArray(shape: [2, 2], values: [1, 2, 3, 4])
        XCTAssertEqual(m.str(), "[[1. 2.]\n [3. 4.]]")
        XCTAssertEqual(m.repr(), "array([[1., 2.],\n       [3., 4.]])")
        let b = try NDArray(shape: [2], values: [1, 0], isBool: true)
        XCTAssertEqual(b.str(), "[ True False]")
        XCTAssertEqual(b.repr(), "array([ True, False])")
        XCTAssertEqual(try NDArray(shape: [0]).repr(), "array([], dtype=float64)")
        XCTAssertEqual(try NDArray(shape: [2, 0]).repr(), "array([], shape=(2, 0), dtype=float64)")
        XCTAssertEqual(try NDArray(shape: [0], isBool: true).repr(), "array([], dtype=bool)")
        XCTAssertEqual(try NDArray(shape: [2, 0]).str(), "[]")
    }
}
