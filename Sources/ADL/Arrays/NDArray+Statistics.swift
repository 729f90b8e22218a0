// Statistics and ML reductions built on the reduction kernels: var and std
// (NumPy's two-pass algorithm), cumsum and cumprod (add/multiply.accumulate),
// logsumexp (SciPy's), softmax and log_softmax (jax.nn's), sigmoid (expit).
//
// Invariants:
// - sums go through `reduce(.sum, ...)`, so they add in NumPy's pairwise order
//   and agree with NumPy's results bit for bit where the elementwise steps do;
// - every result is a fresh float array (never bool), of the shape NumPy gives.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension NDArray {
    /// The reduced axes, sorted (all of them for nil), and the number of
    /// elements each output element combines.
    private func reducedAxes(_ axes: [Int]?) throws -> (axes: [Int], count: Int) {
        let reduced = try axes.map { try NDArray.normaliseAxes($0, ndim: ndim) } ?? Array(0..<ndim)
        // A product of some of an existing array's dimensions fits in an Int (see `checkedCount`).
        let n = reduced.reduce(1) { $0 * shape[$1] }
        return (reduced, n)
    }

    /// `shape` without the reduced axes (or with 1 in their place for `keepdims`).
    private func reducedShape(_ reduced: [Int], keepdims: Bool) -> [Int] {
        var out: [Int] = []
        for axis in 0..<ndim {
            if !reduced.contains(axis) { out.append(shape[axis]) } else if keepdims { out.append(1) }
        }
        return out
    }

    // MARK: - Variance and standard deviation

    /// NumPy's `var`: the mean of the squared deviations from the mean,
    /// `sum((x - mean)**2) / max(n - ddof, 0)` over `axes` (nil = all). An empty
    /// selection gives nan, as NumPy's 0/0.
    public func variance(axes: [Int]?, ddof: Double, keepdims: Bool) throws -> NDArray {
        let (reduced, n) = try reducedAxes(axes)
        let mean = try reduce(.sum, axes: reduced, keepdims: true)
        let count = Double(n)
        for i in 0..<mean.count { mean.data[i] /= count }
        let deviations = try NDArray.binary(.sub, self, mean)
        let squares = try NDArray.binary(.mul, deviations, deviations, reuse: deviations)
        let result = try squares.reduce(.sum, axes: reduced, keepdims: keepdims)
        let divisor = Swift.max(count - ddof, 0)
        for i in 0..<result.count { result.data[i] /= divisor }
        return result
    }

    /// NumPy's `std`: the square root of `variance`.
    public func standardDeviation(axes: [Int]?, ddof: Double, keepdims: Bool) throws -> NDArray {
        let v = try variance(axes: axes, ddof: ddof, keepdims: keepdims)
        return v.unary(.sqrt, reuse: v)
    }

    // MARK: - Cumulative sums and products

    /// The operation a cumulative reduction applies.
    public enum Accumulation: Sendable {
        case sum, prod
    }

    /// NumPy's `cumsum`/`cumprod`: along `axis`, or over the flattened array
    /// for nil. Element i is combined left to right (`add.accumulate`), so the
    /// results agree with NumPy's exactly. A 0-d array counts as shape (1,).
    public func accumulate(_ kind: Accumulation, axis: Int?) throws -> NDArray {
        let outShape = axis == nil || ndim == 0 ? [count] : shape
        let a = try NDArray.normaliseAxis(axis ?? 0, ndim: outShape.count)
        let out = NDArray(validShape: outShape, count: count, isBool: false)
        if count == 0 { return out }
        let length = outShape[a]
        let inner = outShape[(a + 1)...].reduce(1, *)
        let outer = count / (length * inner)
        let block = length * inner
        for o in 0..<outer {
            let src = UnsafePointer(data + o * block)
            let dst = out.data + o * block
            if inner == 1 {
                // Along the last axis: one pass with the running value in a register.
                var acc = src[0]
                dst[0] = acc
                switch kind {
                case .sum:
                    for i in 1..<Swift.max(length, 1) {
                        acc += src[i]
                        dst[i] = acc
                    }
                case .prod:
                    for i in 1..<Swift.max(length, 1) {
                        acc *= src[i]
                        dst[i] = acc
                    }
                }
            } else {
                // Along an outer axis: each row is the previous row combined with the input row.
                dst.update(from: src, count: inner)
                for i in 1..<Swift.max(length, 1) {
                    let previous = dst + (i - 1) * inner, row = dst + i * inner, input = src + i * inner
                    switch kind {
                    case .sum: for j in 0..<inner { row[j] = previous[j] + input[j] }
                    case .prod: for j in 0..<inner { row[j] = previous[j] * input[j] }
                    }
                }
            }
        }
        return out
    }

    // MARK: - logsumexp, softmax, log_softmax, sigmoid

    /// `scipy.special.logsumexp` over `axes` (nil = all): `log(sum(exp(x)))`
    /// computed as SciPy 1.15+ does, `log1p(s / m) + log(m) + max` where `m`
    /// counts the elements equal to the maximum and `s` sums `exp(x - max)`
    /// over the others. A non-finite result is replaced by the direct
    /// `log(sum(exp(x)))`, so -inf everywhere gives -inf, +inf gives inf and
    /// nan gives nan; an empty selection gives -inf. A 0-d array counts as
    /// shape (1,).
    public func logSumExp(axes: [Int]?, keepdims: Bool) throws -> NDArray {
        if ndim == 0 { return try reshaped([1]).logSumExp(axes: axes, keepdims: keepdims) }
        let (reduced, _) = try reducedAxes(axes)
        let keptShape = reducedShape(reduced, keepdims: true)
        let outShape = keepdims ? keptShape : reducedShape(reduced, keepdims: false)
        if count == 0 {
            return try NDArray.full(outShape, -.infinity)
        }
        let maxima = try reduce(.max, axes: reduced, keepdims: true)
        let spread = try maxima.broadcast(to: shape)
        // shifted = exp(x - max) except at the maxima (0 there); isMax counts them.
        let shifted = NDArray(validShape: shape, count: count, isBool: false)
        let isMax = NDArray(validShape: shape, count: count, isBool: false)
        let x = UnsafePointer(data), m = UnsafePointer(spread.data)
        let shiftedOut = shifted.data, isMaxOut = isMax.data
        for i in 0..<count {
            let equal = x[i] == m[i]
            shiftedOut[i] = equal ? -.infinity : x[i] - m[i]
            isMaxOut[i] = equal ? 1 : 0
        }
        let exps = shifted.unary(.exp)
        let sums = try exps.reduce(.sum, axes: reduced, keepdims: true)
        let counts = try isMax.reduce(.sum, axes: reduced, keepdims: true)
        var direct: NDArray? = nil
        for i in 0..<sums.count {
            let m = counts.data[i], s = sums.data[i]
            var value = log1p(s == 0 ? s : s / m) + log(m) + maxima.data[i]
            if !value.isFinite {
                if direct == nil { direct = try unary(.exp).reduce(.sum, axes: reduced, keepdims: true) }
                value = log(direct?.data[i] ?? .nan)
            }
            sums.data[i] = value
        }
        return try sums.reshaped(outShape)
    }

    /// `jax.nn.softmax` over `axes` (nil = all): `exp(x - max) / sum(exp(x - max))`.
    /// A 0-d array counts as shape (1,).
    public func softmax(axes: [Int]?) throws -> NDArray {
        if ndim == 0 { return try reshaped([1]).softmax(axes: axes).reshaped([]) }
        let maxima = try reduce(.max, axes: axes, keepdims: true)
        let shifted = try NDArray.binary(.sub, self, maxima)
        // (Measured: writing exp and the division in place into `shifted` was slower.)
        let exps = shifted.unary(.exp)
        let sums = try exps.reduce(.sum, axes: axes, keepdims: true)
        return try NDArray.binary(.div, exps, sums)
    }

    /// `jax.nn.log_softmax` over `axes` (nil = all):
    /// `(x - max) - log(sum(exp(x - max)))`. A 0-d array counts as shape (1,).
    public func logSoftmax(axes: [Int]?) throws -> NDArray {
        if ndim == 0 { return try reshaped([1]).logSoftmax(axes: axes).reshaped([]) }
        let maxima = try reduce(.max, axes: axes, keepdims: true)
        let shifted = try NDArray.binary(.sub, self, maxima)
        let sums = try shifted.unary(.exp).reduce(.sum, axes: axes, keepdims: true)
        let logs = sums.unary(.log, reuse: sums)
        return try NDArray.binary(.sub, shifted, logs, reuse: shifted)
    }

    /// The logistic function `1 / (1 + exp(-x))` elementwise, as
    /// `scipy.special.expit`: exactly 0.5 at 0, 0 and 1 (never an overflow)
    /// far out.
    public func sigmoid() -> NDArray {
        // exp(-x) through the vectorised kernel, then 1 / (1 + e) in place.
        let out = unary(.neg).unary(.exp)
        let e = out.data
        for i in 0..<count { e[i] = 1 / (1 + e[i]) }
        return out
    }

    /// The logistic function of one number.
    public static func sigmoid(_ x: Double) -> Double {
        1 / (1 + exp(-x))
    }
}
