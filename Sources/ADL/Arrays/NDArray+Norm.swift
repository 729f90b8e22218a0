// NumPy's `linalg.norm`, branch for branch as numpy/linalg/_linalg.py (NumPy
// 2.4) writes it, so that results and errors agree:
// - no axis and ord None (any shape), 'fro'/'f' on a matrix, or 2 on a vector:
//   sqrt(x·x) over every element (the dot product through BLAS, as NumPy);
// - one axis (a vector norm): inf, -inf, 0, 1, 2/None, or any other number p
//   as (Σ|x|^p)^(1/p); a string order is an error;
// - two axes (a matrix norm): 2, -2 and 'nuc' from the singular values,
//   1, -1, inf, -inf from column/row sums of |x|, None/'fro'/'f' the
//   Frobenius norm; any other order is an error;
// - keepdims keeps the reduced axes with length 1.

import COpenBLAS

extension NDArray {
    /// The `ord=` of a norm: None, a number (bools and ints as floats), or a name.
    public enum NormOrder: Equatable, Sendable {
        case absent
        case number(Double)
        case name(String)

        /// True for `ord == value` in Python's sense (a name equals no number).
        func equals(_ value: Double) -> Bool {
            if case .number(let x) = self { return x == value }
            return false
        }

        var isFrobeniusName: Bool {
            if case .name(let s) = self { return s == "fro" || s == "f" }
            return false
        }
    }

    /// NumPy's `linalg.norm(x, ord, axis, keepdims)`; `axes` nil is `axis=None`.
    public static func norm(_ input: NDArray, ord: NormOrder, axes: [Int]?, keepdims: Bool) throws -> NDArray {
        let x = input.asFloatIfBool()
        let nd = x.ndim
        if axes == nil && (ord == .absent || (ord.isFrobeniusName && nd == 2) || (ord.equals(2) && nd == 1)) {
            let result = NDArray.scalar(selfDot(x).squareRoot())
            return keepdims ? try result.reshaped([Int](repeating: 1, count: nd)) : result
        }
        let axisList = axes ?? Array(0..<nd)
        switch axisList.count {
        case 1:
            return try vectorNorm(x, ord: ord, axis: axisList[0], keepdims: keepdims)
        case 2:
            let row = try normaliseAxis(axisList[0], ndim: nd)
            let col = try normaliseAxis(axisList[1], ndim: nd)
            if row == col { throw ADLError.value("Duplicate axes given.") }
            let result = try matrixNorm(x, ord: ord, row: row, col: col)
            guard keepdims else { return result }
            var kept = x.shape
            kept[row] = 1
            kept[col] = 1
            return try result.reshaped(kept)
        default:
            throw ADLError.value("Improper number of dimensions to norm.")
        }
    }

    /// x·x over every element, through BLAS where the count fits its integers.
    private static func selfDot(_ x: NDArray) -> Double {
        if x.count <= Int(Int32.max) {
            return BLAS.functions.ddot(blasint(x.count), x.data, 1, x.data, 1)
        }
        var s = 0.0
        for i in 0..<x.count { s += x.data[i] * x.data[i] }
        return s
    }

    /// The norm of the vectors along one axis.
    private static func vectorNorm(_ x: NDArray, ord: NormOrder, axis: Int, keepdims: Bool) throws -> NDArray {
        let axes = [axis]
        if ord.equals(.infinity) {
            return try maxFromZero(x.unary(.abs), axis: try normaliseAxis(axis, ndim: x.ndim), keepdims: keepdims)
        }
        if ord.equals(-.infinity) {
            return try minNoIdentity(x.unary(.abs), axis: try normaliseAxis(axis, ndim: x.ndim), keepdims: keepdims)
        }
        if ord.equals(0) {
            let nonzero = NDArray(validShape: x.shape, count: x.count, isBool: false)
            for i in 0..<x.count { nonzero.data[i] = x.data[i] != 0 ? 1 : 0 }
            return try nonzero.reduce(.sum, axes: axes, keepdims: keepdims)
        }
        if ord.equals(1) {
            return try x.unary(.abs).reduce(.sum, axes: axes, keepdims: keepdims)
        }
        if ord == .absent || ord.equals(2) {
            return try binary(.mul, x, x).reduce(.sum, axes: axes, keepdims: keepdims).unary(.sqrt)
        }
        switch ord {
        case .name(let s):
            throw ADLError.value("Invalid norm order '\(s)' for vectors")
        case .number(let p):
            let powered = binary(.pow, x.unary(.abs), scalar: p, scalarOnLeft: false)
            let sum = try powered.reduce(.sum, axes: axes, keepdims: keepdims)
            return binary(.pow, sum, scalar: 1.0 / p, scalarOnLeft: false)
        case .absent:
            return try binary(.mul, x, x).reduce(.sum, axes: axes, keepdims: keepdims).unary(.sqrt)
        }
    }

    /// The norm of the matrices in axes `row` and `col` (normalised, distinct).
    private static func matrixNorm(_ x: NDArray, ord: NormOrder, row: Int, col: Int) throws -> NDArray {
        // After reducing one axis, the other's index drops by one when it came after it.
        let colAfterRow = col > row ? col - 1 : col
        let rowAfterCol = row > col ? row - 1 : row
        if ord.equals(2) {
            return try maxFromZero(try singularValues(x, row: row, col: col), axis: x.ndim - 2, keepdims: false)
        }
        if ord.equals(-2) {
            let s = try singularValues(x, row: row, col: col)
            return try minNoIdentity(s, axis: s.ndim - 1, keepdims: false)
        }
        if ord.equals(1) {
            return try maxFromZero(try x.unary(.abs).reduce(.sum, axes: [row], keepdims: false),
                                   axis: colAfterRow, keepdims: false)
        }
        if ord.equals(.infinity) {
            return try maxFromZero(try x.unary(.abs).reduce(.sum, axes: [col], keepdims: false),
                                   axis: rowAfterCol, keepdims: false)
        }
        if ord.equals(-1) {
            return try minNoIdentity(try x.unary(.abs).reduce(.sum, axes: [row], keepdims: false),
                                     axis: colAfterRow, keepdims: false)
        }
        if ord.equals(-.infinity) {
            return try minNoIdentity(try x.unary(.abs).reduce(.sum, axes: [col], keepdims: false),
                                     axis: rowAfterCol, keepdims: false)
        }
        if ord == .absent || ord.isFrobeniusName {
            return try binary(.mul, x, x).reduce(.sum, axes: [row, col], keepdims: false).unary(.sqrt)
        }
        if ord == .name("nuc") {
            let s = try singularValues(x, row: row, col: col)
            return try s.reduce(.sum, axes: [s.ndim - 1], keepdims: false)
        }
        throw ADLError.value("Invalid norm order for matrices.")
    }

    /// The singular values of the matrices in axes `row`, `col` (moved last, as
    /// NumPy's moveaxis does): shape (other axes..., min(m, n)).
    private static func singularValues(_ x: NDArray, row: Int, col: Int) throws -> NDArray {
        let order = (0..<x.ndim).filter { $0 != row && $0 != col } + [row, col]
        let moved = order == Array(0..<x.ndim) ? x : x.permutedUnchecked(order)
        return try singularValues(moved)
    }

    /// `min(axis)`: an empty axis is NumPy's error even when the result is empty too.
    private static func minNoIdentity(_ a: NDArray, axis: Int, keepdims: Bool) throws -> NDArray {
        if a.shape[axis] == 0 {
            throw ADLError.value("zero-size array to reduction operation minimum which has no identity")
        }
        return try a.reduce(.min, axes: [axis], keepdims: keepdims)
    }

    /// `max(axis, initial=0)` of non-negative values: an empty axis gives 0.
    private static func maxFromZero(_ a: NDArray, axis: Int, keepdims: Bool) throws -> NDArray {
        if a.shape[axis] == 0 {
            var shape = a.shape
            if keepdims { shape[axis] = 1 } else { shape.remove(at: axis) }
            return try NDArray(shape: shape)
        }
        return try a.reduce(.max, axes: [axis], keepdims: keepdims)
    }
}
