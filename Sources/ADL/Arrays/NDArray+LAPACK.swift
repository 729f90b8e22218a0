// Factorisations through LAPACK: inv, solve, det, slogdet, cholesky and the
// singular values behind the matrix 2-norm and nuclear norm, each over a
// stack of matrices (..., m, n) as NumPy's `_umath_linalg` gufuncs.
//
// Invariants:
// - LAPACK is called through LAPACKE's column-major `_work` entry points, which
//   go straight to the Fortran routines (OpenBLAS's): no NaN scan, no layout
//   copies, no allocations of their own.
// - Every LU and Cholesky factorisation is of A itself, copied into a
//   column-major buffer with a transposing copy, exactly as NumPy linearises
//   its operands: the pivots, the exact-zero-pivot test behind "Singular
//   matrix", and the determinants then agree with NumPy's (`det` of
//   [[1,2,3],[4,5,6],[7,8,9]] is 0.0 in both).
// - After the factorisation, work stays in C order: `solve` with a matrix
//   right-hand side (and `inv`, which solves A·X = I as NumPy does) runs the
//   triangular solves on Bᵀ (the C-order B read as column-major) from the
//   right, so the only copy besides the result is the factor's.
// - Sizes beyond LAPACK's 32-bit integers are errors, never traps; an empty
//   matrix (n = 0) never reaches LAPACK (whose leading dimensions must be ≥ 1).
// - Non-finite entries go through LAPACK as they are. Where its handling of
//   nan depends on the OpenBLAS version (a nan pivot in the first column:
//   NumPy's OpenBLAS 0.3.31 finds the matrix singular, Debian's 0.3.21 returns
//   nans), ADL gives what the system library gives.

import CLAPACKE
import COpenBLAS
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

extension NDArray {
    // MARK: - Errors (NumPy's LinAlgError texts)

    @inline(never)
    static func singularMatrix() -> ADLError { ADLError.value("Singular matrix") }

    /// NumPy's `_assert_stacked_square`: at least two axes, the last two equal.
    static func checkStackedSquare(_ a: NDArray) throws -> Int {
        guard a.ndim >= 2 else {
            throw ADLError.value("\(a.ndim)-dimensional array given. Array must be at least two-dimensional")
        }
        let n = a.shape[a.ndim - 1]
        guard a.shape[a.ndim - 2] == n else {
            throw ADLError.value("Last 2 dimensions of the array must be square")
        }
        return n
    }

    /// `n` as LAPACK's integer, or an error when it does not fit.
    static func lapackInt(_ n: Int) throws -> Int32 {
        guard let v = Int32(exactly: n) else {
            throw ADLError.memory("a matrix dimension of \(n) exceeds LAPACK's 32-bit integers")
        }
        return v
    }

    /// A workspace size from a LAPACK size query (a double), at least `minimum`.
    static func workspaceSize(_ query: Double, minimum: Int32) -> Int32 {
        guard query.isFinite, query >= 1 else { return Swift.max(minimum, 1) }
        if query >= Double(Int32.max) { return Int32.max }
        return Swift.max(Int32(query.rounded(.up)), minimum, 1)
    }

    // MARK: - Copies between C order and column-major

    /// Writes the transpose of the `rows`×`cols` C-order matrix `src` into
    /// `dst` (C order, `cols`×`rows`); equivalently, `dst` holds `src`'s matrix
    /// in column-major order. Copies in 16×16 tiles to stay within cache lines:
    /// with 32×32 tiles a power-of-two row length (256) puts the 32 rows a tile
    /// reads in two L1 sets and a 256×256 transpose took 3× as long.
    static func transposeCopy(_ src: UnsafePointer<Double>, rows: Int, cols: Int,
                              _ dst: UnsafeMutablePointer<Double>) {
        let tile = 16
        var i0 = 0
        while i0 < rows {
            let i1 = Swift.min(i0 + tile, rows)
            var j0 = 0
            while j0 < cols {
                let j1 = Swift.min(j0 + tile, cols)
                for j in j0..<j1 {
                    let out = dst + j * rows
                    var p = src + i0 * cols + j
                    for i in i0..<i1 {
                        out[i] = p[0]
                        p += cols
                    }
                }
                j0 = j1
            }
            i0 = i1
        }
    }

    /// Runs `body` with OpenBLAS on one thread when the matrix order is below
    /// 1024: measured on this 2-core machine, Debian's OpenBLAS 0.3.21 threaded
    /// dgetrf is 3-4× slower than one thread at n = 500, while its matrix
    /// products and triangular solves with many right-hand sides gain from both
    /// threads (so only the factorizations run here).
    static func moderatelySized<T>(_ n: Int, _ body: () throws -> T) rethrows -> T {
        guard n < 1024 else { return try body() }
        let saved = BLAS.functions.getNumThreads()
        if saved <= 1 { return try body() }
        BLAS.functions.setNumThreads(1)
        defer { BLAS.functions.setNumThreads(saved) }
        return try body()
    }

    /// LU-factors the C-order n×n matrix at `src` into `lu` (column-major,
    /// A = P·L·U as dgetrf leaves it) and `pivots`; returns dgetrf's info
    /// (> 0: an exact zero pivot, the matrix is singular).
    static func luFactor(_ src: UnsafePointer<Double>, n: Int32, _ lu: UnsafeMutablePointer<Double>,
                         _ pivots: UnsafeMutablePointer<Int32>) throws -> Int32 {
        let lapack = try LAPACKE.functions()
        transposeCopy(src, rows: Int(n), cols: Int(n), lu)
        return moderatelySized(Int(n)) { lapack.dgetrf(LAPACK_COL_MAJOR, n, n, lu, n, pivots) }
    }

    // MARK: - inv

    /// NumPy's `linalg.inv` over a stack (..., n, n), computed as NumPy does,
    /// by solving A·X = I with the LU factors (so non-finite inputs give
    /// NumPy's nan/inf pattern). A singular matrix anywhere in the stack is
    /// the error "Singular matrix".
    public static func inverse(_ a: NDArray) throws -> NDArray {
        let n = try checkStackedSquare(a)
        let result = NDArray(validShape: a.shape, count: a.count, isBool: false)
        if result.count == 0 { return result }
        let n32 = try lapackInt(n)
        let matrices = a.count / (n * n)
        let lu = UnsafeMutablePointer<Double>.allocate(capacity: n * n)
        defer { lu.deallocate() }
        var pivots = [Int32](repeating: 0, count: n)
        for j in 0..<matrices {
            if try luFactor(a.data + j * n * n, n: n32, lu, &pivots) > 0 { throw singularMatrix() }
            let x = result.data + j * n * n
            x.update(repeating: 0, count: n * n)
            for i in 0..<n { x[i * (n + 1)] = 1 }
            solveRowMajor(lu, pivots, n: n32, k: n32, x)
        }
        return result
    }

    // MARK: - solve

    /// NumPy 2's `linalg.solve(a, b)`: `a` is (..., n, n); `b` is a vector (n,)
    /// when it is 1-d, otherwise a stack of matrices (..., n, k); the stack
    /// axes broadcast.
    public static func solve(_ a: NDArray, _ b: NDArray) throws -> NDArray {
        let n = try checkStackedSquare(a)
        let vector = b.ndim == 1
        let signature = vector ? "(m,m),(m)->(m)" : "(m,m),(m,n)->(m,n)"
        let name = vector ? "solve1" : "solve"
        if b.ndim == 0 {
            throw ADLError.value(
                "solve: Input operand 1 does not have enough dimensions (has 0, gufunc core with signature \(signature) requires 2)")
        }
        let nb = vector ? b.shape[0] : b.shape[b.ndim - 2]
        if nb != n {
            throw ADLError.shape(
                "\(name): Input operand 1 has a mismatch in its core dimension 0, with gufunc signature \(signature) (size \(nb) is different from \(n))")
        }
        let k = vector ? 1 : b.shape[b.ndim - 1]
        let batchA = Array(a.shape.dropLast(2))
        let batchB = vector ? [] : Array(b.shape.dropLast(2))
        let core = vector ? [n] : [n, k]
        let batch: [Int]
        do {
            batch = try broadcastShapes(batchA, batchB)
        } catch {
            throw remappedBroadcastError([a.shape, b.shape], core: 2, requested: core)
        }
        let result = try NDArray(uninitializedShape: batch + core)
        let matrices = batch.reduce(1, *)
        if matrices == 0 { return result }
        if n == 0 { return result }  // nothing to factor; the result is empty
        let n32 = try lapackInt(n)
        let k32 = try lapackInt(k)
        let offsetsA = batchOffsets(batch: batch, own: batchA, matrixSize: n * n)
        let offsetsB = batchOffsets(batch: batch, own: batchB, matrixSize: n * k)
        let lu = UnsafeMutablePointer<Double>.allocate(capacity: n * n)
        defer { lu.deallocate() }
        var pivots = [Int32](repeating: 0, count: n)
        for j in 0..<matrices {
            if try luFactor(a.data + offsetsA[j], n: n32, lu, &pivots) > 0 { throw singularMatrix() }
            let x = result.data + j * n * k
            if k == 0 { continue }
            x.update(from: b.data + offsetsB[j], count: n * k)
            if k == 1 {
                // One right-hand side: a column in either order.
                _ = try LAPACKE.functions().dgetrs(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "N")), n32, 1, lu, n32, &pivots, x, n32)
            } else {
                solveRowMajor(lu, pivots, n: n32, k: k32, x)
            }
        }
        return result
    }

    /// Overwrites the C-order n×k matrix `x` (holding B) with X = A⁻¹B, given
    /// dgetrf's factors of A (A = P·L·U). Read as column-major, `x` is the k×n
    /// matrix Bᵀ, and Xᵀ = (PᵀB)ᵀ · L⁻ᵀ · U⁻ᵀ: swap the rows of B as dgetrf
    /// swapped A's, then two triangular solves from the right. No transposes.
    private static func solveRowMajor(_ lu: UnsafePointer<Double>, _ pivots: [Int32], n: Int32, k: Int32,
                                      _ x: UnsafeMutablePointer<Double>) {
        let cols = Int(k)
        for i in 0..<Int(n) {
            let p = Int(pivots[i]) - 1
            if p != i, p >= 0, p < Int(n) {
                BLAS.functions.dswap(k, x + i * cols, 1, x + p * cols, 1)
            }
        }
        BLAS.functions.dtrsm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasUnit, k, n, 1.0, lu, n, x, k)
        BLAS.functions.dtrsm(CblasColMajor, CblasRight, CblasUpper, CblasTrans, CblasNonUnit, k, n, 1.0, lu, n, x, k)
    }

    /// NumPy's gufunc error for stack axes that do not broadcast: each operand's
    /// shape with its `core` last axes shown as `newaxis`.
    @inline(never)
    static func remappedBroadcastError(_ shapes: [[Int]], core: Int, requested: [Int]) -> ADLError {
        func compact(_ s: [Int]) -> String { "(" + s.map(String.init).joined(separator: ",") + (s.count == 1 ? ",)" : ")") }
        let parts = shapes.map { s -> String in
            let remapped = s.dropLast(Swift.min(core, s.count)).map(String.init) + Array(repeating: "newaxis", count: Swift.min(core, s.count))
            return compact(s) + "->(" + remapped.joined(separator: ",") + ")"
        }
        return ADLError.shape(
            "operands could not be broadcast together with remapped shapes [original->remapped]: \(parts.joined(separator: " "))  and requested shape \(compact(requested))")
    }

    // MARK: - det, slogdet

    /// NumPy's `linalg.slogdet` over a stack: (sign, log|det|) with the stack's
    /// shape. A singular matrix gives (0, -inf); an empty one (1, 0).
    public static func slogdet(_ a: NDArray) throws -> (sign: NDArray, logabsdet: NDArray) {
        let n = try checkStackedSquare(a)
        let batch = Array(a.shape.dropLast(2))
        // A stack of empty matrices can hold more of them than the allocation limit allows.
        let signs = try NDArray(uninitializedShape: batch)
        let logs = try NDArray(uninitializedShape: batch)
        let matrices = signs.count
        if matrices == 0 { return (signs, logs) }
        if n == 0 {
            signs.data.update(repeating: 1, count: matrices)
            logs.data.update(repeating: 0, count: matrices)
            return (signs, logs)
        }
        let n32 = try lapackInt(n)
        let lu = UnsafeMutablePointer<Double>.allocate(capacity: n * n)
        defer { lu.deallocate() }
        var pivots = [Int32](repeating: 0, count: n)
        for j in 0..<matrices {
            let info = try luFactor(a.data + j * n * n, n: n32, lu, &pivots)
            guard info == 0 else {
                signs.data[j] = 0
                logs.data[j] = -.infinity
                continue
            }
            // NumPy's slogdet_from_factored_diagonal: the pivots' parity, then
            // each diagonal element's sign and log in order.
            var sign = 1.0
            for i in 0..<n where Int(pivots[i]) != i + 1 { sign = -sign }
            var logdet = 0.0
            for i in 0..<n {
                var element = lu[i * (n + 1)]
                if element < 0 {
                    sign = -sign
                    element = -element
                }
                logdet += log(element)
            }
            signs.data[j] = sign
            logs.data[j] = logdet
        }
        return (signs, logs)
    }

    /// NumPy's `linalg.det`: sign · exp(log|det|) from `slogdet`, as NumPy
    /// computes it; 0.0 for a singular matrix, 1.0 for an empty one.
    public static func det(_ a: NDArray) throws -> NDArray {
        let (signs, logs) = try slogdet(a)
        for j in 0..<signs.count { signs.data[j] *= exp(logs.data[j]) }
        return signs
    }

    // MARK: - cholesky

    /// NumPy's `linalg.cholesky`: the lower factor L with A = L·Lᵀ (read from
    /// A's lower triangle), or with `upper` the factor U = Lᵀ (read from the
    /// upper triangle); the other triangle is zero. Errors with "Matrix is not
    /// positive definite" when dpotrf finds a non-positive pivot.
    public static func cholesky(_ a: NDArray, upper: Bool) throws -> NDArray {
        let n = try checkStackedSquare(a)
        let result = NDArray(validShape: a.shape, count: a.count, isBool: false)
        if result.count == 0 { return result }
        let n32 = try lapackInt(n)
        let matrices = a.count / (n * n)
        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: n * n)
        defer { buffer.deallocate() }
        let uplo = CChar(UInt8(ascii: upper ? "U" : "L"))
        for j in 0..<matrices {
            transposeCopy(a.data + j * n * n, rows: n, cols: n, buffer)
            let potrf = try LAPACKE.functions().dpotrf
            let info = moderatelySized(n) { potrf(LAPACK_COL_MAJOR, uplo, n32, buffer, n32) }
            if info > 0 { throw ADLError.value("Matrix is not positive definite") }
            // buffer[r + c*n] is the factor's element (r, c); keep one triangle.
            let out = result.data + j * n * n
            for r in 0..<n {
                for c in 0..<n {
                    out[r * n + c] = (upper ? c >= r : c <= r) ? buffer[r + c * n] : 0
                }
            }
        }
        return result
    }

    // MARK: - Singular values

    /// The singular values of each matrix of a stack (..., m, n), in
    /// descending order: shape (..., min(m, n)). dgesdd without vectors; a
    /// failure (NaN input, no convergence) is NumPy's "SVD did not converge".
    static func singularValues(_ a: NDArray) throws -> NDArray {
        let m = a.shape[a.ndim - 2]
        let n = a.shape[a.ndim - 1]
        let kk = Swift.min(m, n)
        let batch = Array(a.shape.dropLast(2))
        let result = try NDArray(uninitializedShape: batch + [kk])
        if result.count == 0 { return result }
        let matrices = batch.reduce(1, *)
        // The C-order m×n matrix read as column-major is its n×m transpose,
        // which has the same singular values.
        let rows = try lapackInt(n), cols = try lapackInt(m)
        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: m * n)
        defer { buffer.deallocate() }
        var iwork = [Int32](repeating: 0, count: 8 * kk)
        let jobz = CChar(UInt8(ascii: "N"))
        var query = 0.0
        var unusedU = 0.0, unusedVT = 0.0  // no singular vectors are asked for
        let gesdd = try LAPACKE.functions().dgesdd
        _ = gesdd(LAPACK_COL_MAJOR, jobz, rows, cols, buffer, rows, result.data,
                                &unusedU, 1, &unusedVT, 1, &query, -1, &iwork)
        let lwork = workspaceSize(query, minimum: 1)
        var work = [Double](repeating: 0, count: Int(lwork))
        for j in 0..<matrices {
            buffer.update(from: a.data + j * m * n, count: m * n)
            let info = gesdd(LAPACK_COL_MAJOR, jobz, rows, cols, buffer, rows,
                                           result.data + j * kk, &unusedU, 1, &unusedVT, 1, &work, lwork, &iwork)
            if info != 0 { throw ADLError.value("SVD did not converge") }
        }
        return result
    }
}
