// Products through OpenBLAS: `matmul` (the `@` operator, NumPy's gufunc
// semantics with 1-d promotion and broadcast batch dimensions) and `dot`.
// Matrix-matrix products call cblas_dgemm, matrix-vector cblas_dgemv and
// vector-vector cblas_ddot; sizes beyond the BLAS integer range fall back to
// plain loops.

import COpenBLAS

extension NDArray {
    private static let matmulSignature = "(n?,k),(k,m?)->(n?,m?)"

    /// NumPy's `matmul` for operands of one or more dimensions.
    public static func matmul(_ a: NDArray, _ b: NDArray) throws -> NDArray {
        for (i, x) in [a, b].enumerated() where x.ndim == 0 {
            throw ADLError.value(
                "matmul: Input operand \(i) does not have enough dimensions (has 0, gufunc core with signature \(matmulSignature) requires 1)")
        }
        let aVector = a.ndim == 1
        let bVector = b.ndim == 1
        let n = aVector ? 1 : a.shape[a.ndim - 2]
        let k = a.shape[a.ndim - 1]
        let kb = bVector ? b.shape[0] : b.shape[b.ndim - 2]
        let m = bVector ? 1 : b.shape[b.ndim - 1]
        if k != kb {
            throw ADLError.shape(
                "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature \(matmulSignature) (size \(kb) is different from \(k))")
        }
        let batchA = aVector ? [] : Array(a.shape.dropLast(2))
        let batchB = bVector ? [] : Array(b.shape.dropLast(2))
        var core: [Int] = []
        if !aVector { core.append(n) }
        if !bVector { core.append(m) }
        let batch: [Int]
        do {
            batch = try broadcastShapes(batchA, batchB)
        } catch {
            throw remappedBroadcastError([a.shape, b.shape], core: 2, requested: core)
        }
        let bothBool = a.isBool && b.isBool
        let result = try NDArray(uninitializedShape: batch + core, isBool: bothBool)
        if result.count == 0 { return result }
        let batchCount = batch.reduce(1, *)
        // Offsets of each batch's matrix inside a and b (broadcast batch axes repeat).
        let offsetsA = batchOffsets(batch: batch, own: batchA, matrixSize: n * k)
        let offsetsB = batchOffsets(batch: batch, own: batchB, matrixSize: k * m)
        for j in 0..<batchCount {
            matrixProduct(a.data + offsetsA[j], b.data + offsetsB[j],
                          result.data + j * n * m, n: n, k: k, m: m, ldc: m)
        }
        if bothBool { result.normaliseBool() }
        return result
    }

    /// Maps every nonzero element to 1: a product of two bool arrays is
    /// NumPy's logical or-of-ands, computed as a count.
    func normaliseBool() {
        for i in 0..<count { data[i] = data[i] != 0 ? 1 : 0 }
    }

    /// For each index of the broadcast `batch` shape (C order), the element
    /// offset of the corresponding matrix in an operand with batch shape `own`.
    static func batchOffsets(batch: [Int], own: [Int], matrixSize: Int) -> [Int] {
        let total = batch.reduce(1, *)
        if own.reduce(1, *) == total {
            return (0..<total).map { $0 * matrixSize }
        }
        let ownStrides = contiguousStrides(own)
        let offset = batch.count - own.count
        var strides = [Int](repeating: 0, count: batch.count)
        for axis in 0..<own.count where own[axis] != 1 {
            strides[axis + offset] = ownStrides[axis] * matrixSize
        }
        var result = [Int]()
        result.reserveCapacity(total)
        var index = [Int](repeating: 0, count: batch.count)
        var current = 0
        for _ in 0..<total {
            result.append(current)
            var axis = batch.count - 1
            while axis >= 0 {
                index[axis] += 1
                current += strides[axis]
                if index[axis] < batch[axis] { break }
                current -= strides[axis] * batch[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }

    /// C[n×m] (row stride ldc) = A[n×k] · B[k×m], all row-major and contiguous.
    static func matrixProduct(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>,
                              _ c: UnsafeMutablePointer<Double>, n: Int, k: Int, m: Int, ldc: Int) {
        if n == 0 || m == 0 { return }
        if k == 0 {
            for i in 0..<n { (c + i * ldc).update(repeating: 0, count: m) }
            return
        }
        let limit = Int(Int32.max)
        guard n <= limit, k <= limit, m <= limit, ldc <= limit else {
            naiveProduct(a, b, c, n: n, k: k, m: m, ldc: ldc)
            return
        }
        if n == 1 && m == 1 {
            c[0] = BLAS.functions.ddot(blasint(k), a, 1, b, 1)
        } else if m == 1 {
            // c (n) = A (n×k) · b (k); the output column has stride ldc.
            BLAS.functions.dgemv(CblasRowMajor, CblasNoTrans, blasint(n), blasint(k), 1.0, a, blasint(k),
                        b, 1, 0.0, c, blasint(ldc))
        } else if n == 1 {
            // c (m) = Bᵀ (m×k) · a (k).
            BLAS.functions.dgemv(CblasRowMajor, CblasTrans, blasint(k), blasint(m), 1.0, b, blasint(m),
                        a, 1, 0.0, c, 1)
        } else {
            BLAS.functions.dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(n), blasint(m), blasint(k),
                        1.0, a, blasint(k), b, blasint(m), 0.0, c, blasint(ldc))
        }
    }

    private static func naiveProduct(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>,
                                     _ c: UnsafeMutablePointer<Double>, n: Int, k: Int, m: Int, ldc: Int) {
        for i in 0..<n {
            let row = c + i * ldc
            row.update(repeating: 0, count: m)
            for p in 0..<k {
                let s = a[i * k + p]
                let brow = b + p * m
                for j in 0..<m { row[j] += s * brow[j] }
            }
        }
    }

    /// NumPy's `dot`: scalars multiply, 1-d·1-d is the inner product, 2-d·2-d
    /// the matrix product, and n-d·m-d sums over the last axis of `a` and the
    /// second-to-last of `b`.
    public static func dot(_ a: NDArray, _ b: NDArray) throws -> NDArray {
        if a.ndim == 0 || b.ndim == 0 {
            return try binary(.mul, a, b)
        }
        let k = a.shape[a.ndim - 1]
        let kAxisB = b.ndim == 1 ? 0 : b.ndim - 2
        let kb = b.shape[kAxisB]
        if k != kb {
            let sa = a.shape.map(String.init).joined(separator: ",")
            let sb = b.shape.map(String.init).joined(separator: ",")
            throw ADLError.shape(
                "shapes (\(sa)\(a.ndim == 1 ? "," : "")) and (\(sb)\(b.ndim == 1 ? "," : "")) not aligned: \(k) (dim \(a.ndim - 1)) != \(kb) (dim \(kAxisB))")
        }
        let rows = a.shape.dropLast().reduce(1, *)
        if b.ndim <= 2 {
            return try matmul(a.ndim <= 2 ? a : a.reshaped([rows, k]), b)
                .reshaped(Array(a.shape.dropLast()) + Array(b.shape.dropFirst()))
        }
        // b is (J..., k, m): result[i..., j..., l] = Σ_p a[i..., p] b[j..., p, l].
        let m = b.shape[b.ndim - 1]
        let batchShape = Array(b.shape.dropLast(2))
        let batches = batchShape.reduce(1, *)
        let outShape = Array(a.shape.dropLast()) + batchShape + [m]
        let bothBool = a.isBool && b.isBool
        let result = try NDArray(uninitializedShape: outShape, isBool: bothBool)
        if result.count == 0 { return result }
        for j in 0..<batches {
            matrixProduct(a.data, b.data + j * k * m, result.data + j * m,
                          n: rows, k: k, m: m, ldc: batches * m)
        }
        if bothBool { result.normaliseBool() }
        return result
    }
}

// MARK: - Products of transposed matrices without the copy

extension NDArray {
    /// The smallest n·k·m for which `transposedProduct` passes a transpose to
    /// dgemm as a flag. Below it OpenBLAS (0.3.21, x86-64) runs small-matrix
    /// kernels whose transposed variants sum in another order than the plain
    /// one, so the result would differ in the last bits from the product of the
    /// copied transpose; above it every variant packs the operands into the same
    /// panels and runs the same kernel, and the results are identical bit for
    /// bit (checked over random shapes, 1 and 2 threads; see MatmulTransposeTests).
    static let transposeFlagMinimum = 1 << 21

    /// `aᵀ @ b`, `a @ bᵀ` or `aᵀ @ bᵀ` (as the flags say) for 2-d float
    /// matrices, with the transposes given to dgemm as flags instead of being
    /// copied: the same result, bit for bit, as `matmul` of the copies. Nil
    /// when that is not guaranteed or the operands are another case (not 2-d,
    /// bool, mismatched, a vector product, small or huge): then the caller
    /// copies the transposes and calls `matmul`, which also reports the errors.
    static func transposedProduct(_ a: NDArray, transposeA: Bool, _ b: NDArray, transposeB: Bool) -> NDArray? {
        guard let (n, k, m) = transposedProductShape(a, transposeA: transposeA, b, transposeB: transposeB) else { return nil }
        let result = NDArray(validShape: [n, m], count: n * m, isBool: false)
        // Row-major leading dimensions are the stored row lengths.
        BLAS.functions.dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                             blasint(n), blasint(m), blasint(k), 1.0, a.data, blasint(a.shape[1]),
                             b.data, blasint(b.shape[1]), 0.0, result.data, blasint(m))
        return result
    }

    /// The (n, k, m) of the product `transposedProduct` would compute, or nil when it would decline.
    static func transposedProductShape(_ a: NDArray, transposeA: Bool, _ b: NDArray, transposeB: Bool) -> (Int, Int, Int)? {
        guard a.ndim == 2, b.ndim == 2, !a.isBool, !b.isBool else { return nil }
        let n = transposeA ? a.shape[1] : a.shape[0]
        let k = transposeA ? a.shape[0] : a.shape[1]
        let kb = transposeB ? b.shape[1] : b.shape[0]
        let m = transposeB ? b.shape[0] : b.shape[1]
        let limit = Int(Int32.max)
        guard k == kb, n > 1, m > 1, n <= limit, k <= limit, m <= limit else { return nil }
        let (nk, o1) = n.multipliedReportingOverflow(by: k)
        let (nkm, o2) = nk.multipliedReportingOverflow(by: m)
        let (nm, o3) = n.multipliedReportingOverflow(by: m)
        guard !o1, !o2, !o3, nkm >= transposeFlagMinimum, nm <= maxElements else { return nil }
        return (n, k, m)
    }
}
