// Products with a transposed operand handed to BLAS as a flag
// (NDArray.transposedProduct, used by compiled gradients: Lowering+Matmul.swift).
// The flag path must give the product of the copied transpose bit for bit, on
// one BLAS thread and on several, and decline every case it does not cover.

import XCTest
@testable import ADL

final class MatmulTransposeTests: XCTestCase {
    /// A deterministic array of `shape` with values in [-0.5, 0.5).
    static func array(_ shape: [Int], seed: Int) throws -> NDArray {
        let count = shape.reduce(1, *)
        let values = (0..<count).map { i in Double((i * 7919 + seed * 104729) % 10007) / 10007 - 0.5 }
        return try NDArray(shape: shape, values: values)
    }

    static func bits(_ a: NDArray) -> [UInt64] { a.values.map(\.bitPattern) }

    func testFlagProductsEqualTheProductsOfCopiedTransposes() throws {
        // (n, k, m) of the product, from just above the flag threshold to a few times it,
        // with odd, even, power-of-two and thin dimensions.
        let shapes = [(128, 128, 128), (256, 784, 256), (784, 256, 256), (129, 127, 131), (2, 1100, 1000),
                      (1000, 1100, 2), (1100, 2, 1000), (300, 70, 100), (97, 211, 103), (512, 8, 512)]
        let saved = BLAS.functions.getNumThreads()
        defer { BLAS.functions.setNumThreads(saved) }
        for threads in [Int32(1), 2] {
            BLAS.functions.setNumThreads(threads)
            for (index, (n, k, m)) in shapes.enumerated() {
                XCTAssertGreaterThanOrEqual(n * k * m, NDArray.transposeFlagMinimum)
                for (ta, tb) in [(true, false), (false, true), (true, true)] {
                    let a = try Self.array(ta ? [k, n] : [n, k], seed: index)
                    let b = try Self.array(tb ? [m, k] : [k, m], seed: index + 100)
                    let expected = try NDArray.matmul(ta ? a.transposed() : a, tb ? b.transposed() : b)
                    guard let product = NDArray.transposedProduct(a, transposeA: ta, b, transposeB: tb) else {
                        XCTFail("declined (\(n), \(k), \(m)) ta=\(ta) tb=\(tb)")
                        continue
                    }
                    XCTAssertEqual(product.shape, [n, m])
                    XCTAssertEqual(Self.bits(product), Self.bits(expected), "(\(n), \(k), \(m)) ta=\(ta) tb=\(tb) threads=\(threads)")
                }
            }
        }
    }

    func testOtherCasesAreDeclined() throws {
        let big = try Self.array([200, 200], seed: 1)
        let bigOther = try Self.array([200, 100], seed: 2)
        XCTAssertNotNil(NDArray.transposedProduct(big, transposeA: true, bigOther, transposeB: false))
        // Too small for the flag path (OpenBLAS's small-matrix kernels sum in another order).
        let small = try Self.array([50, 50], seed: 3)
        XCTAssertNil(NDArray.transposedProduct(small, transposeA: true, small, transposeB: false))
        // A product with a vector result goes through dgemv / ddot.
        let row = try Self.array([1, 200], seed: 4)
        XCTAssertNil(NDArray.transposedProduct(row, transposeA: false, big, transposeB: true))
        XCTAssertNil(NDArray.transposedProduct(big, transposeA: true, try Self.array([200, 1], seed: 5), transposeB: false))
        // Mismatched inner dimensions: the caller's matmul reports them.
        XCTAssertNil(NDArray.transposedProduct(bigOther, transposeA: false, big, transposeB: true))
        // Bool matrices, 1-d and 3-d operands.
        XCTAssertNil(NDArray.transposedProduct(big.asBool(), transposeA: true, bigOther, transposeB: false))
        XCTAssertNil(NDArray.transposedProduct(try Self.array([200], seed: 6), transposeA: true, bigOther, transposeB: false))
        XCTAssertNil(NDArray.transposedProduct(try Self.array([2, 200, 200], seed: 7), transposeA: true, bigOther, transposeB: false))
    }

    func testCompiledGradientsLowerBigTransposedProductsToFlags() throws {
        let source = """
        X = arange(160 * 150).reshape(160, 150) % 13 / 13
        W = arange(150 * 140).reshape(150, 140) % 7 / 70
        f = lambda X, W: sum(tanh(X @ W) ** 2)
        dis(grad(f, argnums=(0, 1)), X, W)
        dis(grad(f, argnums=(0, 1)), X[:10, :10], W[:10, :10])
        """
        let listing = try TestPrograms.run(source)
        let parts = listing.components(separatedBy: "function grad(")
        XCTAssertEqual(parts.count, 3)
        // Big: X.T @ g and g @ W.T without the copies; small: the transposes are copied.
        XCTAssertTrue(parts[1].contains("matmul_tn") && parts[1].contains("matmul_nt"), parts[1])
        XCTAssertFalse(parts[1].contains("function transpose>"), parts[1])
        XCTAssertFalse(parts[2].contains("matmul_"), parts[2])
        XCTAssertTrue(parts[2].contains("function transpose>"), parts[2])
    }
}
