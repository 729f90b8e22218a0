// Matrix structure and small products with NumPy's semantics: outer, inner,
// diagonal, diag, trace, tril, triu. Bool operands stay bool where NumPy's
// results do (outer and inner of two bool arrays, diag/diagonal/tril/triu of
// a bool array); everything else is float64.

import COpenBLAS

extension NDArray {
    // MARK: - outer, inner

    /// NumPy's `outer`: both operands flattened, result[i, j] = a[i] · b[j].
    public static func outer(_ a: NDArray, _ b: NDArray) throws -> NDArray {
        let bothBool = a.isBool && b.isBool
        let result = try NDArray(uninitializedShape: [a.count, b.count], isBool: bothBool)
        let m = b.count
        for i in 0..<a.count {
            let row = result.data + i * m
            let s = a.data[i]
            if bothBool {
                for j in 0..<m { row[j] = s != 0 && b.data[j] != 0 ? 1 : 0 }
            } else {
                for j in 0..<m { row[j] = s * b.data[j] }
            }
        }
        return result
    }

    /// NumPy's `inner` for operands of at least one axis: the sum over the last
    /// axes, shape a.shape[:-1] + b.shape[:-1] (two vectors give a 0-d array).
    public static func inner(_ a: NDArray, _ b: NDArray) throws -> NDArray {
        let k = a.shape[a.ndim - 1]
        let kb = b.shape[b.ndim - 1]
        if k != kb {
            // NumPy reports b with its last axis moved next-to-last, as `dot` sees it.
            var moved = b.shape
            if b.ndim >= 2 { moved.swapAt(b.ndim - 1, b.ndim - 2) }
            func compact(_ s: [Int]) -> String { "(" + s.map(String.init).joined(separator: ",") + (s.count == 1 ? ",)" : ")") }
            throw ADLError.shape(
                "shapes \(compact(a.shape)) and \(compact(moved)) not aligned: \(k) (dim \(a.ndim - 1)) != \(kb) (dim \(Swift.max(b.ndim - 2, 0)))")
        }
        let bothBool = a.isBool && b.isBool
        let result = try NDArray(uninitializedShape: Array(a.shape.dropLast()) + Array(b.shape.dropLast()),
                                 isBool: bothBool)
        if result.count == 0 { return result }
        // Nonzero, so both products are factors of the checked result size.
        let rows = a.shape.dropLast().reduce(1, *)
        let cols = b.shape.dropLast().reduce(1, *)
        let c = result.data
        let limit = Int(Int32.max)
        if k == 0 {
            c.update(repeating: 0, count: result.count)
        } else if rows > limit || cols > limit || k > limit {
            for i in 0..<rows {
                for j in 0..<cols {
                    var s = 0.0
                    for p in 0..<k { s += a.data[i * k + p] * b.data[j * k + p] }
                    c[i * cols + j] = s
                }
            }
        } else if rows == 1 && cols == 1 {
            c[0] = BLAS.functions.ddot(blasint(k), a.data, 1, b.data, 1)
        } else if cols == 1 {
            BLAS.functions.dgemv(CblasRowMajor, CblasNoTrans, blasint(rows), blasint(k), 1.0, a.data, blasint(k),
                        b.data, 1, 0.0, c, 1)
        } else if rows == 1 {
            BLAS.functions.dgemv(CblasRowMajor, CblasNoTrans, blasint(cols), blasint(k), 1.0, b.data, blasint(k),
                        a.data, 1, 0.0, c, 1)
        } else {
            BLAS.functions.dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blasint(rows), blasint(cols), blasint(k),
                        1.0, a.data, blasint(k), b.data, blasint(k), 0.0, c, blasint(cols))
        }
        if bothBool {
            for i in 0..<result.count { c[i] = c[i] != 0 ? 1 : 0 }
        }
        return result
    }

    // MARK: - diagonal, trace, diag

    /// NumPy's `diagonal(a, offset, axis1, axis2)`: the other axes in order,
    /// then the diagonal's elements a[..., i, i + offset] along a last axis.
    public func diagonal(offset: Int, axis1: Int, axis2: Int) throws -> NDArray {
        guard ndim >= 2 else { throw ADLError.value("diag requires an array of at least two dimensions") }
        let first = try NDArray.prefixedAxis(axis1, ndim: ndim, name: "axis1")
        let second = try NDArray.prefixedAxis(axis2, ndim: ndim, name: "axis2")
        guard first != second else { throw ADLError.value("axis1 and axis2 cannot be the same") }
        let n1 = shape[first], n2 = shape[second]
        let length: Int
        if offset >= 0 {
            length = offset >= n2 ? 0 : Swift.min(n1, n2 - offset)
        } else {
            length = offset <= -n1 ? 0 : Swift.min(n1 + offset, n2)
        }
        let strides = NDArray.contiguousStrides(shape)
        var outShape: [Int] = []
        var outStrides: [Int] = []
        for axis in 0..<ndim where axis != first && axis != second {
            outShape.append(shape[axis])
            outStrides.append(strides[axis])
        }
        outShape.append(length)
        outStrides.append(strides[first] &+ strides[second])
        let result = try NDArray(uninitializedShape: outShape, isBool: isBool)
        if result.count == 0 { return result }
        let start = offset >= 0 ? offset * strides[second] : -offset * strides[first]
        stridedCopy(from: data + start, shape: outShape, strides: outStrides, to: result.data)
        return result
    }

    /// An axis checked the way NumPy's `diagonal` reports it: `axis2: axis 3 is out of bounds ...`.
    static func prefixedAxis(_ axis: Int, ndim: Int, name: String) throws -> Int {
        do {
            return try normaliseAxis(axis, ndim: ndim)
        } catch var error as ADLError {
            error.message = "\(name): " + error.message
            throw error
        }
    }

    /// NumPy's `trace`: the sums of the diagonals (`diagonal(...).sum(-1)`),
    /// always float64.
    public func trace(offset: Int, axis1: Int, axis2: Int) throws -> NDArray {
        let d = try diagonal(offset: offset, axis1: axis1, axis2: axis2).asFloatIfBool()
        return try d.reduce(.sum, axes: [d.ndim - 1], keepdims: false)
    }

    /// The array itself when it is float, else a float copy.
    func asFloatIfBool() -> NDArray { isBool ? asFloat() : self }

    /// NumPy's `diag(v, k)`: a 1-d `v` becomes the square matrix with `v` on
    /// diagonal k; a 2-d `v` gives its diagonal k.
    public static func diag(_ v: NDArray, k: Int) throws -> NDArray {
        switch v.ndim {
        case 1:
            let (size, overflow) = v.count.addingReportingOverflow(Int(clamping: k.magnitude))
            if overflow { throw allocationError(elements: nil) }
            let result = try NDArray(shape: [size, size], isBool: v.isBool)
            for i in 0..<v.count {
                let (row, col) = k >= 0 ? (i, i + k) : (i - k, i)
                result.data[row * size + col] = v.data[i]
            }
            return result
        case 2:
            return try v.diagonal(offset: k, axis1: 0, axis2: 1)
        default:
            throw ADLError.value("Input must be 1- or 2-d.")
        }
    }

    // MARK: - tril, triu

    /// NumPy's `tril` (`lower`) or `triu`: the last two axes' elements below
    /// (above) diagonal k kept, the rest zero. A 1-d array is first repeated
    /// into a square matrix, as NumPy's broadcasting makes it.
    public func triangle(lower: Bool, k: Int) throws -> NDArray {
        guard ndim >= 1 else {
            throw ADLError.value("\(lower ? "tril" : "triu")() requires an array of at least one dimension")
        }
        let source = ndim == 1 ? try broadcast(to: [shape[0], shape[0]]) : self
        let rows = source.shape[source.ndim - 2], cols = source.shape[source.ndim - 1]
        let result = NDArray(validShape: source.shape, count: source.count, isBool: isBool)
        if result.count == 0 { return result }
        let matrices = result.count / (rows * cols)
        for m in 0..<matrices {
            let base = m * rows * cols
            for i in 0..<rows {
                for j in 0..<cols {
                    // j - i is small, so the comparison with any k cannot overflow.
                    let keep = lower ? j - i <= k : j - i >= k
                    result.data[base + i * cols + j] = keep ? source.data[base + i * cols + j] : 0
                }
            }
        }
        return result
    }
}
