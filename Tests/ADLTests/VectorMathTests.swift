// The SIMD kernels of CSupport at every instruction-set level this CPU has
// (SSE2, AVX2, AVX-512): each function against the scalar libm function on
// edge values placed at every position of arrays of every length up to 17
// (each lane and each partial last vector), in place and not, and on random
// values; the reductions against plain loops in NumPy's order.

import CSupport
import Glibc
import XCTest

final class VectorMathTests: XCTestCase {
    static let edges: [Double] = [
        .nan, .infinity, -.infinity, 0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 1e300, -1e300, 1e-310, -1e-310,
        5e-324, 0.9999999999, 1.0000001, 710, -710, 745, -745.2, 1024, -1075, 19.06, -20, 1e-20,
        1e22, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 3.14159265358979, -0.3,
    ]

    static let unary: [(adl_vmath_function, String, @Sendable (Double) -> Double)] = [
        (ADL_VMATH_EXP, "exp", exp), (ADL_VMATH_EXP2, "exp2", exp2), (ADL_VMATH_EXPM1, "expm1", expm1),
        (ADL_VMATH_LOG, "log", log), (ADL_VMATH_LOG2, "log2", log2), (ADL_VMATH_LOG10, "log10", log10),
        (ADL_VMATH_LOG1P, "log1p", log1p), (ADL_VMATH_SIN, "sin", sin), (ADL_VMATH_COS, "cos", cos),
        (ADL_VMATH_TAN, "tan", tan), (ADL_VMATH_ASIN, "asin", asin), (ADL_VMATH_ACOS, "acos", acos),
        (ADL_VMATH_ATAN, "atan", atan), (ADL_VMATH_SINH, "sinh", sinh), (ADL_VMATH_COSH, "cosh", cosh),
        (ADL_VMATH_TANH, "tanh", tanh), (ADL_VMATH_ASINH, "asinh", asinh), (ADL_VMATH_ACOSH, "acosh", acosh),
        (ADL_VMATH_ATANH, "atanh", atanh), (ADL_VMATH_SQRT, "sqrt", { $0.squareRoot() }),
    ]

    static let binary: [(adl_vmath2_function, String, @Sendable (Double, Double) -> Double)] = [
        (ADL_VMATH2_ATAN2, "atan2", atan2), (ADL_VMATH2_HYPOT, "hypot", hypot), (ADL_VMATH2_POW, "pow", pow),
    ]

    /// The distance in units in the last place; nan only equals nan, zeros must agree in sign,
    /// infinities must be equal.
    static func ulps(_ a: Double, _ b: Double) -> Double {
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN ? 0 : .infinity }
        if a == b { return a.sign == b.sign ? 0 : .infinity }
        if a.isInfinite || b.isInfinite { return .infinity }
        func ordered(_ x: Double) -> Int64 {
            let bits = Int64(bitPattern: x.bitPattern)
            return bits < 0 ? Int64.min &- bits : bits
        }
        return Double((ordered(a) &- ordered(b)).magnitude)
    }

    /// Runs `body` at each level the CPU has, then restores the default.
    func eachLevel(_ body: (Int32) -> Void) {
        defer { _ = adl_simd_set_level(Int32(ADL_SIMD_AVX512.rawValue)) }
        for level in [ADL_SIMD_SSE2, ADL_SIMD_AVX2, ADL_SIMD_AVX512] {
            let chosen = adl_simd_set_level(Int32(level.rawValue))
            if chosen != Int32(level.rawValue) { continue }
            body(chosen)
        }
    }

    func testUnaryEdgesAtEveryPosition() {
        eachLevel { level in
            for (which, name, f) in Self.unary {
                for edge in Self.edges {
                    for length in 1...17 {
                        for position in 0..<length {
                            var input = (0..<length).map { 0.25 + Double($0) }
                            input[position] = edge
                            var output = [Double](repeating: 0, count: length)
                            _ = adl_vmath(Int32(which.rawValue), input, &output, length)
                            let want = f(edge)
                            XCTAssertLessThanOrEqual(Self.ulps(output[position], want), 4,
                                "\(name)(\(edge)) at level \(level), \(position) of \(length): \(output[position]) vs libm \(want)")
                            _ = input.withUnsafeMutableBufferPointer {
                                adl_vmath(Int32(which.rawValue), $0.baseAddress, $0.baseAddress, length)
                            }
                            XCTAssertEqual(Self.ulps(input[position], output[position]), 0, "\(name) in place")
                        }
                    }
                }
            }
        }
    }

    func testUnaryRandomValues() {
        var generator = SystemRandomNumberGenerator()
        let xs = (0..<20_000).map { i -> Double in
            let magnitude = exp(Double.random(in: -30...30, using: &generator))
            return i % 2 == 0 ? magnitude : -magnitude
        }
        eachLevel { level in
            for (which, name, f) in Self.unary {
                let input = which == ADL_VMATH_ACOSH ? xs.map { 1 + Swift.abs($0) } : xs
                var output = [Double](repeating: 0, count: input.count)
                _ = adl_vmath(Int32(which.rawValue), input, &output, input.count)
                let worst = zip(input, output).map { Self.ulps($1, f($0)) }.max() ?? 0
                XCTAssertLessThanOrEqual(worst, 4, "\(name) at level \(level): \(worst) ulp")
            }
        }
    }

    func testBinaryEdgesAndSteps() {
        eachLevel { level in
            for (which, name, f) in Self.binary {
                for (i, x) in Self.edges.enumerated() {
                    for (j, y) in Self.edges.enumerated() {
                        let length = 1 + (i + j) % 9
                        let position = (i * 7 + j) % length
                        var a = (0..<length).map { 0.5 + Double($0) }
                        var b = [Double](repeating: 1.5, count: length)
                        a[position] = x
                        b[position] = y
                        var out = [Double](repeating: 0, count: length)
                        _ = adl_vmath2(Int32(which.rawValue), a, 1, b, 1, &out, length)
                        XCTAssertLessThanOrEqual(Self.ulps(out[position], f(x, y)), 4,
                            "\(name)(\(x), \(y)) at level \(level): \(out[position]) vs \(f(x, y))")
                        // One operand repeated (step 0) on either side.
                        _ = adl_vmath2(Int32(which.rawValue), a, 1, [y], 0, &out, length)
                        XCTAssertLessThanOrEqual(Self.ulps(out[position], f(x, y)), 4, "\(name) with a repeated right operand")
                        _ = adl_vmath2(Int32(which.rawValue), [x], 0, b, 1, &out, length)
                        XCTAssertLessThanOrEqual(Self.ulps(out[position], f(x, y)), 4, "\(name) with a repeated left operand")
                    }
                }
            }
        }
    }

    /// Several rows at once give what row after row gives, to the bit (rows are grouped by
    /// four: sums keep their order, and of equal zeros the latest must still win).
    func testRowBlocksMatchRowByRow() {
        let values: [Double] = [-0.0, 0.0, 1.0, -1.0, .nan, -Double.nan, 2.5]
        var generator = SystemRandomNumberGenerator()
        eachLevel { level in
            for rows in 1...9 {
                for n in [1, 3, 8, 13] {
                    let src = (0..<(rows * n)).map { _ in values.randomElement(using: &generator) ?? 0 }
                    let start = (0..<n).map { _ in values.randomElement(using: &generator) ?? 0 }
                    for op in [ADL_ROWS_ADD, ADL_ROWS_MUL, ADL_ROWS_MAX, ADL_ROWS_MIN] {
                        var block = start
                        adl_rows(Int32(op.rawValue), &block, src, rows, n)
                        var single = start
                        for r in 0..<rows {
                            src[(r * n)...].withUnsafeBufferPointer {
                                adl_rows(Int32(op.rawValue), &single, $0.baseAddress, 1, n)
                            }
                        }
                        // Every nan is the same nan (its sign and payload are not kept).
                        let bits = { (v: [Double]) in v.map { $0.isNaN ? Double.nan.bitPattern : $0.bitPattern } }
                        XCTAssertEqual(bits(block), bits(single), "\(op) of \(rows)x\(n) at level \(level)")
                    }
                }
            }
        }
    }

    /// NumPy's pairwise summation, written out as in numpy/_core/src/umath/loops_utils.h.src.
    static func pairwise(_ a: ArraySlice<Double>) -> Double {
        let n = a.count, s = a.startIndex
        if n < 8 { return a.reduce(0.0, +) }
        if n <= 128 {
            var r = Array(a[s..<s + 8])
            var i = 8
            while i < n - n % 8 {
                for k in 0..<8 { r[k] += a[s + i + k] }
                i += 8
            }
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n {
                res += a[s + i]
                i += 1
            }
            return res
        }
        var n2 = n / 2
        n2 -= n2 % 8
        return pairwise(a[s..<s + n2]) + pairwise(a[(s + n2)...])
    }

    func testReductionsMatchPlainLoops() {
        var generator = SystemRandomNumberGenerator()
        eachLevel { level in
            for n in [0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 127, 128, 129, 1000, 4099] {
                var xs = (0..<n).map { _ in Double.random(in: -1...1, using: &generator) * 1e3 }
                XCTAssertEqual(adl_sum(xs, n).bitPattern, Self.pairwise(xs[...]).bitPattern, "sum of \(n) at level \(level)")
                if n > 0 {
                    XCTAssertEqual(adl_extreme(xs, n, 1), xs.max(), "max of \(n) at level \(level)")
                    XCTAssertEqual(adl_extreme(xs, n, 0), xs.min(), "min of \(n) at level \(level)")
                    xs[n / 2] = .nan
                    XCTAssertTrue(adl_extreme(xs, n, 1).isNaN, "max with a nan, \(n) at level \(level)")
                    XCTAssertTrue(adl_extreme(xs, n, 0).isNaN, "min with a nan, \(n) at level \(level)")
                }
                let src = (0..<n).map { Double($0 % 5) - 2 }
                var dst = (0..<n).map { Double($0 % 3) - 1 }
                if n > 2 { dst[2] = .nan }
                let steps: [(adl_rows_op, (Double, Double) -> Double)] = [
                    (ADL_ROWS_ADD, { d, s in d + s }),
                    (ADL_ROWS_MUL, { d, s in d * s }),
                    (ADL_ROWS_MAX, { d, s in (d > s || d.isNaN) ? d : s }),
                    (ADL_ROWS_MIN, { d, s in (d < s || d.isNaN) ? d : s }),
                ]
                for (op, f) in steps {
                    var row = dst
                    adl_rows(Int32(op.rawValue), &row, src, 1, n)
                    let want = zip(dst, src).map(f)
                    XCTAssertEqual(row.map(\.bitPattern), want.map(\.bitPattern), "rows \(op) of \(n) at level \(level)")
                }
            }
        }
    }

    /// adl_arith_row (the rows of `+ - * /` on arrays) gives Swift's own IEEE
    /// result for every step pattern, length and level, into a separate output
    /// and in place over either operand (the VM reuses a uniquely held operand).
    func testArithmeticRowsMatchScalarOperators() {
        let ops: [(adl_fused_op, (Double, Double) -> Double)] = [
            (ADL_FUSED_ADD, { $0 + $1 }), (ADL_FUSED_SUB, { $0 - $1 }),
            (ADL_FUSED_MUL, { $0 * $1 }), (ADL_FUSED_DIV, { $0 / $1 }),
        ]
        var generator = SystemRandomNumberGenerator()
        eachLevel { level in
            for n in [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 100] {
                let a = (0..<n).map { i in i < Self.edges.count && i % 2 == 0 ? Self.edges[i] : Double.random(in: -9...9, using: &generator) }
                let b = (0..<n).map { i in i < Self.edges.count && i % 3 == 1 ? Self.edges[i] : Double.random(in: -9...9, using: &generator) }
                for (op, f) in ops {
                    for (sa, sb) in [(1, 1), (1, 0), (0, 1), (0, 0)] where n > 0 {
                        let want = (0..<n).map { f(a[$0 * sa], b[$0 * sb]) }
                        let what = "\(op) steps \(sa),\(sb) of \(n) at level \(level)"
                        var out = [Double](repeating: 7, count: n)
                        adl_arith_row(Int32(op.rawValue), a, sa, b, sb, &out, n)
                        XCTAssertEqual(out.map(\.bitPattern), want.map(\.bitPattern), what)
                        if sa == 1 {
                            var inPlace = a
                            inPlace.withUnsafeMutableBufferPointer { p in
                                adl_arith_row(Int32(op.rawValue), p.baseAddress, sa, b, sb, p.baseAddress, n)
                            }
                            XCTAssertEqual(inPlace.map(\.bitPattern), want.map(\.bitPattern), "in place over a, " + what)
                        }
                        if sb == 1 {
                            var inPlace = b
                            inPlace.withUnsafeMutableBufferPointer { p in
                                adl_arith_row(Int32(op.rawValue), a, sa, p.baseAddress, sb, p.baseAddress, n)
                            }
                            XCTAssertEqual(inPlace.map(\.bitPattern), want.map(\.bitPattern), "in place over b, " + what)
                        }
                    }
                }
            }
        }
    }
}
