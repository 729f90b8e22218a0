// Elementwise operations, reductions, arange and linspace compared bit for
// bit with NumPy results stored in Fixtures/numeric.jsonl.

import XCTest
@testable import ADL

/// Bitwise equality that treats every nan as equal to every nan.
func sameDoubleBits(_ a: Double, _ b: Double) -> Bool {
    (a.isNaN && b.isNaN) || a.bitPattern == b.bitPattern
}

final class ArrayNumericTests: XCTestCase {
    private func doubles(_ any: Any?) -> [Double] {
        ((any as? [String]) ?? []).map { fixtureDouble($0) ?? .nan }
    }

    func testElementwiseOperationsMatchNumPy() throws {
        let records = try loadJSONLinesFixture("numeric.jsonl")
        guard let special = records.first(where: { $0["op"] as? String == "special" }) else {
            return XCTFail("no special values in fixture")
        }
        let s = doubles(special["x"])
        let n = s.count
        let x = try NDArray(shape: [n, 1], values: s)
        let y = try NDArray(shape: [n], values: s)
        var checked = 0
        for r in records where r["op"] as? String == "binary" {
            let name = r["name"] as? String ?? ""
            guard let op = ElementwiseBinary.allCases.first(where: { $0.name == name }) else {
                XCTFail("no op \(name)")
                continue
            }
            let expected = doubles(r["out"])
            // Broadcasting path: (n,1) op (n,) gives all pairs, i-major.
            let out = try NDArray.binary(op, x, y)
            XCTAssertEqual(out.shape, [n, n])
            XCTAssertEqual(out.isBool, op.yieldsBool)
            // NumPy evaluates power and arctan2 with SIMD (SVML) code that can
            // differ from libm in the last place; the rest must agree exactly.
            let inexact: Set<ElementwiseBinary> = [.pow, .arctan2, .hypot, .logaddexp]
            for i in 0..<(n * n) where !sameDoubleBits(out.data[i], expected[i]) {
                let close = Swift.abs(out.data[i] - expected[i]) <= Swift.abs(expected[i]) * 4.5e-16
                if !(inexact.contains(op) && close) {
                    XCTFail("\(name)(\(s[i / n]), \(s[i % n])) = \(out.data[i]), numpy \(expected[i])")
                }
            }
            // Scalar paths agree with the scalar function (power with a scalar exponent takes
            // NumPy's fast paths; power, arctan2 and hypot of arrays are SIMD code within a few
            // ulp of libm).
            func agrees(_ got: Double, _ want: Double) -> Bool {
                sameDoubleBits(got, want) || (inexact.contains(op) && Swift.abs(got - want) <= Swift.abs(want) * 1e-15)
            }
            for a in s {
                let left = NDArray.binary(op, y, scalar: a, scalarOnLeft: true)
                let right = NDArray.binary(op, y, scalar: a, scalarOnLeft: false)
                for j in 0..<n {
                    let wantRight = op == .pow ? numpyPower(s[j], a) : op.apply(s[j], a)
                    XCTAssertTrue(agrees(left.data[j], op.apply(a, s[j])), "\(name) scalar left")
                    XCTAssertTrue(agrees(right.data[j], wantRight), "\(name) scalar right")
                }
            }
            checked += 1
        }
        XCTAssertEqual(checked, ElementwiseBinary.allCases.count)
        checked = 0
        for r in records where r["op"] as? String == "unary" {
            let name = r["name"] as? String ?? ""
            guard let op = ElementwiseUnary.allCases.first(where: { $0.name == name }) else {
                XCTFail("no op \(name)")
                continue
            }
            let expected = doubles(r["out"])
            let out = y.unary(op)
            XCTAssertEqual(out.isBool, op.yieldsBool)
            for i in 0..<n where !sameDoubleBits(out.data[i], expected[i]) {
                // libm and NumPy's SIMD loops may differ in the last place.
                let tolerance = Swift.abs(expected[i]) * 4e-16
                if !(Swift.abs(out.data[i] - expected[i]) <= tolerance) {
                    XCTFail("\(name)(\(s[i])) = \(out.data[i]), numpy \(expected[i])")
                }
            }
            checked += 1
        }
        XCTAssertEqual(checked, ElementwiseUnary.allCases.count)
    }

    func testReductionsMatchNumPyBitForBit() throws {
        let records = try loadJSONLinesFixture("numeric.jsonl")
        var checked = 0
        for r in records where r["op"] as? String == "reduce" {
            let shape = r["shape"] as? [Int] ?? []
            let a = try NDArray(shape: shape, values: doubles(r["x"]))
            for result in (r["results"] as? [[String: Any]]) ?? [] {
                let name = result["name"] as? String ?? ""
                let axes = result["axes"] as? [Int]
                let reduction: NDArray.Reduction
                switch name {
                case "sum": reduction = .sum
                case "mean": reduction = .mean
                case "prod": reduction = .prod
                case "max": reduction = .max
                default: reduction = .min
                }
                let out = try a.reduce(reduction, axes: axes, keepdims: false)
                XCTAssertEqual(out.shape, result["outshape"] as? [Int])
                let expected = doubles(result["out"])
                XCTAssertEqual(out.count, expected.count)
                for i in 0..<Swift.min(out.count, expected.count) where !sameDoubleBits(out.data[i], expected[i]) {
                    XCTFail("\(name) of \(shape) axes \(String(describing: axes)) [\(i)]: \(out.data[i]) vs numpy \(expected[i])")
                    break
                }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 50)
    }

    func testArangeAndLinspaceMatchNumPy() throws {
        let records = try loadJSONLinesFixture("numeric.jsonl")
        for r in records {
            switch r["op"] as? String {
            case "arange":
                let args = doubles(r["args"])
                let out = try NDArray.arange(start: args[0], stop: args[1], step: args[2])
                let expected = doubles(r["out"])
                XCTAssertEqual(out.shape, [expected.count], "arange \(args)")
                XCTAssertTrue(zip(out.values, expected).allSatisfy(sameDoubleBits), "arange \(args)")
            case "linspace":
                let args = doubles(r["args"])
                let num = r["num"] as? Int ?? 0
                let endpoint = r["endpoint"] as? Bool ?? true
                let out = try NDArray.linspace(args[0], args[1], num: num, endpoint: endpoint)
                let expected = doubles(r["out"])
                XCTAssertEqual(out.shape, [expected.count], "linspace \(args)")
                XCTAssertTrue(zip(out.values, expected).allSatisfy(sameDoubleBits), "linspace \(args) \(out.values) \(expected)")
            default:
                break
            }
        }
    }

    func testBroadcastingShapesAndErrors() throws {
        XCTAssertEqual(try NDArray.broadcastShapes([3], [2, 3]), [2, 3])
        XCTAssertEqual(try NDArray.broadcastShapes([4, 1], [3]), [4, 3])
        XCTAssertEqual(try NDArray.broadcastShapes([], [2]), [2])
        XCTAssertThrowsError(try NDArray.broadcastShapes([3], [4])) { error in
            XCTAssertEqual((error as? ADLError)?.message,
                           "operands could not be broadcast together with shapes (3,) (4,)")
            XCTAssertEqual((error as? ADLError)?.kind, .shape)
        }
        XCTAssertThrowsError(try NDArray.binary(.add, NDArray(shape: [2, 3]), NDArray(shape: []).reshaped([1, 1, 2])))
        let a = try NDArray(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let col = try NDArray(shape: [2, 1], values: [10, 20])
        let row = try NDArray(shape: [3], values: [100, 200, 300])
        XCTAssertEqual(try NDArray.binary(.add, a, col).values, [11, 12, 13, 24, 25, 26])
        XCTAssertEqual(try NDArray.binary(.sub, row, a).values, [99, 198, 297, 96, 195, 294])
        XCTAssertEqual(try NDArray.binary(.mul, col, row).values, [1000, 2000, 3000, 2000, 4000, 6000])
        let b3 = try NDArray(shape: [2, 1, 3], values: [1, 2, 3, 4, 5, 6])
        let b2 = try NDArray(shape: [4, 1], values: [0, 10, 20, 30])
        let out = try NDArray.binary(.add, b3, b2)
        XCTAssertEqual(out.shape, [2, 4, 3])
        XCTAssertEqual(out.data[3 * 4 + 2 * 3 + 1], 5 + 20)
        XCTAssertEqual(try NDArray.binary(.lt, a, row).isBool, true)
        XCTAssertEqual(try a.broadcast(to: [2, 2, 3]).values, a.values + a.values)
        XCTAssertThrowsError(try a.broadcast(to: [3, 3]))
    }

    func testReuseWritesInPlace() throws {
        let a = try NDArray(shape: [3], values: [1, 2, 3])
        let b = try NDArray(shape: [3], values: [10, 20, 30])
        let out = try NDArray.binary(.add, a, b, reuse: a)
        XCTAssertTrue(out === a)
        XCTAssertEqual(a.values, [11, 22, 33])
        let cmp = try NDArray.binary(.lt, a, b, reuse: a)
        XCTAssertFalse(cmp === a)
        let u = a.unary(.neg, reuse: a)
        XCTAssertTrue(u === a)
        XCTAssertEqual(a.values, [-11, -22, -33])
        let s = NDArray.binary(.mul, a, scalar: 2, scalarOnLeft: false, reuse: a)
        XCTAssertTrue(s === a)
        let wrongShape = try NDArray(shape: [1])
        XCTAssertFalse(try NDArray.binary(.add, a, b, reuse: wrongShape) === wrongShape)
    }

    func testNumPyScalarSemantics() {
        XCTAssertEqual(ElementwiseBinary.floorDiv.apply(7, 0), .infinity)
        XCTAssertTrue(ElementwiseBinary.mod.apply(7, 0).isNaN)
        XCTAssertEqual(ElementwiseBinary.mod.apply(-7, 3), 2)
        XCTAssertEqual(ElementwiseBinary.mod.apply(7, -3), -2)
        XCTAssertEqual(ElementwiseBinary.floorDiv.apply(-7, 2), -4)
        XCTAssertTrue(ElementwiseBinary.maximum.apply(.nan, 1).isNaN)
        XCTAssertTrue(ElementwiseBinary.minimum.apply(1, .nan).isNaN)
        XCTAssertEqual(ElementwiseUnary.round.apply(2.5), 2)
        XCTAssertEqual(ElementwiseUnary.round.apply(-0.5).sign, .minus)
        XCTAssertTrue(ElementwiseUnary.sign.apply(.nan).isNaN)
        XCTAssertTrue(ElementwiseUnary.sqrt.apply(-1).isNaN)
    }
}
