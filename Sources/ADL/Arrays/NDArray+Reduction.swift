// Reductions (sum mean prod max min any all) and argmax/argmin.
//
// The order of additions follows NumPy's, so that sums agree bit for bit:
// when the reduced axes include the last one, each contiguous run of reduced
// elements is summed with NumPy's pairwise algorithm (blocks of 8 partial
// sums, recursive halves above 128 elements) and added to the accumulator;
// otherwise rows are accumulated elementwise in C order. The runs and rows go
// through the SIMD kernels of CSupport (adl_sum, adl_extreme, adl_rows).

import CSupport

extension NDArray {
    /// A reduction over some axes.
    public enum Reduction: Sendable {
        case sum, mean, prod, max, min, any, all

        /// NumPy's ufunc name, used in error messages.
        var ufuncName: String {
            switch self {
            case .sum, .mean: return "add"
            case .prod: return "multiply"
            case .max: return "maximum"
            case .min: return "minimum"
            case .any: return "logical_or"
            case .all: return "logical_and"
            }
        }
    }

    /// Normalises a list of axes (negative from the end), rejecting
    /// out-of-range and repeated axes with NumPy's messages.
    static func normaliseAxes(_ axes: [Int], ndim: Int) throws -> [Int] {
        var seen = [Bool](repeating: false, count: ndim)
        var result: [Int] = []
        for axis in axes {
            let a = try normaliseAxis(axis, ndim: ndim)
            if seen[a] { throw ADLError.value("duplicate value in 'axis'") }
            seen[a] = true
            result.append(a)
        }
        return result.sorted()
    }

    /// Reduces over `axes` (nil = all). Sum of a bool array counts the trues;
    /// `any`/`all` give bool arrays; max/min of an empty selection is an error;
    /// mean of nothing is nan. max/min propagate nan.
    public func reduce(_ r: Reduction, axes: [Int]?, keepdims: Bool) throws -> NDArray {
        let reduced: [Int]
        if let axes = axes {
            reduced = try NDArray.normaliseAxes(axes, ndim: ndim)
        } else {
            reduced = Array(0..<ndim)
        }
        var isReduced = [Bool](repeating: false, count: ndim)
        for a in reduced { isReduced[a] = true }
        var outShape: [Int] = []
        var reducedCount = 1
        for axis in 0..<ndim {
            if isReduced[axis] {
                // An empty array can have huge other axes (zeros((0, 2**62))): the product then
                // saturates, and the zero-size output below returns before it is used.
                let (product, overflow) = reducedCount.multipliedReportingOverflow(by: shape[axis])
                reducedCount = overflow ? Int.max : product
                if keepdims { outShape.append(1) }
            } else {
                outShape.append(shape[axis])
            }
        }
        // Reducing the zero-length axis of such an array leaves the huge ones: the allocation limit applies.
        let outCount = try NDArray.checkedCount(outShape)
        if reducedCount == 0 && (r == .max || r == .min) {
            throw ADLError.value(
                "zero-size array to reduction operation \(r.ufuncName) which has no identity")
        }
        // any/all give bools; max/min of a bool array stay bool, as in NumPy.
        let resultIsBool = r == .any || r == .all || (isBool && (r == .max || r == .min))
        let out = NDArray(validShape: outShape, count: outCount, isBool: resultIsBool)
        if outCount == 0 { return out }

        // Initial values.
        let initial: Double
        switch r {
        case .sum, .mean, .any: initial = 0
        case .prod, .all: initial = 1
        case .max: initial = -.infinity
        case .min: initial = .infinity
        }
        out.data.update(repeating: initial, count: outCount)
        if reducedCount > 0 {
            accumulate(r, isReduced: isReduced, into: out.data)
        }
        if r == .mean {
            let n = Double(reducedCount)
            for i in 0..<outCount { out.data[i] /= n }
        }
        return out
    }

    /// Combines every element into its output slot (`out` pre-filled with the
    /// initial value), in NumPy's order.
    private func accumulate(_ r: Reduction, isReduced: [Bool], into out: UnsafeMutablePointer<Double>) {
        // Drop size-1 axes (they change nothing) and merge adjacent axes of
        // the same kind: the iteration space becomes alternating runs.
        var dims: [(size: Int, reduced: Bool)] = []
        for axis in 0..<ndim where shape[axis] != 1 {
            if let last = dims.last, last.reduced == isReduced[axis] {
                dims[dims.count - 1].size = last.size * shape[axis]
            } else {
                dims.append((shape[axis], isReduced[axis]))
            }
        }
        if dims.isEmpty { dims = [(1, true)] }
        // Output strides for each merged dim (0 for reduced dims).
        var outStrides = [Int](repeating: 0, count: dims.count)
        var step = 1
        for d in stride(from: dims.count - 1, through: 0, by: -1) where !dims[d].reduced {
            outStrides[d] = step
            step *= dims[d].size
        }
        let n = dims.count
        let inner = dims[n - 1].size
        let innerReduced = dims[n - 1].reduced
        // A kept inner run lies under a reduced dim (they alternate): all of that dim's
        // rows go to one combineRows call, and the odometer runs over the dims above.
        let rows = !innerReduced && n >= 2 ? dims[n - 2].size : 1
        var index = [Int](repeating: 0, count: n)
        var inOffset = 0
        var outOffset = 0
        while true {
            let src = data + inOffset
            let dst = out + outOffset
            if innerReduced && r == .prod {
                // NumPy multiplies into the accumulator in order (no pairwise).
                var p = dst[0]
                for i in 0..<inner { p *= src[i] }
                dst[0] = p
            } else if innerReduced {
                dst[0] = NDArray.combine(r, dst[0], NDArray.reduceRun(r, src, inner))
            } else {
                NDArray.combineRows(r, dst, src, rows: rows, inner)
            }
            inOffset += inner * rows
            var axis = rows > 1 ? n - 3 : n - 2
            while axis >= 0 {
                index[axis] += 1
                outOffset += outStrides[axis]
                if index[axis] < dims[axis].size { break }
                outOffset -= outStrides[axis] * dims[axis].size
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }

    @inline(__always)
    static func combine(_ r: Reduction, _ a: Double, _ b: Double) -> Double {
        switch r {
        case .sum, .mean: return a + b
        case .prod: return a * b
        case .max: return numpyMaximum(a, b)
        case .min: return numpyMinimum(a, b)
        case .any: return (a != 0 || b != 0) ? 1 : 0
        case .all: return (a != 0 && b != 0) ? 1 : 0
        }
    }

    /// dst[i] = combine(dst[i], row[i]) for each of `rows` consecutive rows of n at src, in order.
    static func combineRows(_ r: Reduction, _ dst: UnsafeMutablePointer<Double>,
                            _ src: UnsafePointer<Double>, rows: Int, _ n: Int) {
        switch r {
        case .sum, .mean: adl_rows(Int32(ADL_ROWS_ADD.rawValue), dst, src, rows, n)
        case .prod: adl_rows(Int32(ADL_ROWS_MUL.rawValue), dst, src, rows, n)
        case .max: adl_rows(Int32(ADL_ROWS_MAX.rawValue), dst, src, rows, n)
        case .min: adl_rows(Int32(ADL_ROWS_MIN.rawValue), dst, src, rows, n)
        case .any:
            for row in 0..<rows {
                let p = src + row * n
                for i in 0..<n where p[i] != 0 { dst[i] = 1 }
            }
        case .all:
            for row in 0..<rows {
                let p = src + row * n
                for i in 0..<n where p[i] == 0 { dst[i] = 0 }
            }
        }
    }

    /// The reduction of one contiguous run (n >= 1), before combining with
    /// the accumulator.
    static func reduceRun(_ r: Reduction, _ src: UnsafePointer<Double>, _ n: Int) -> Double {
        switch r {
        case .sum, .mean:
            return adl_sum(src, n)
        case .prod:
            var p = 1.0
            for i in 0..<n { p *= src[i] }
            return p
        case .max, .min:
            let m = adl_extreme(src, n, r == .max ? 1 : 0)
            return m == 0 ? lastZero(src, n) : m
        case .any:
            for i in 0..<n where src[i] != 0 { return 1 }
            return 0
        case .all:
            for i in 0..<n where src[i] == 0 { return 0 }
            return 1
        }
    }

    /// Among tied zeros NumPy's reductions mostly return the last one (so the
    /// max of [0.0, -0.0] is -0.0): the sign of the last zero in the run.
    private static func lastZero(_ a: UnsafePointer<Double>, _ n: Int) -> Double {
        var i = n - 1
        while i >= 0 {
            if a[i] == 0 { return a[i] }
            i -= 1
        }
        return 0
    }

    /// argmax / argmin: the index of the first extreme element (the first nan
    /// if there is one, as NumPy), over the flattened array (axis nil, a 0-d
    /// result) or along one axis. Indices are returned as floats.
    public func argReduce(max: Bool, axis: Int?) throws -> NDArray {
        let name = max ? "argmax" : "argmin"
        guard let axis = axis else {
            if count == 0 {
                throw ADLError.value("attempt to get \(name) of an empty sequence")
            }
            let result = NDArray(validShape: [], count: 1, isBool: false)
            result.data[0] = Double(NDArray.argRun(data, count, stride: 1, max: max))
            return result
        }
        let a = try NDArray.normaliseAxis(axis, ndim: ndim)
        if shape[a] == 0 {
            throw ADLError.value("attempt to get \(name) of an empty sequence")
        }
        var outShape = shape
        outShape.remove(at: a)
        let outCount = outShape.reduce(1, *)
        let result = NDArray(validShape: outShape, count: outCount, isBool: false)
        // Empty along another axis: nothing to do (and the outer loop could run 2**61 times).
        if outCount == 0 { return result }
        let length = shape[a]
        let innerSize = shape[(a + 1)...].reduce(1, *)
        let outerSize = shape[..<a].reduce(1, *)
        var o = 0
        for outer in 0..<outerSize {
            let base = data + outer * length * innerSize
            for inner in 0..<innerSize {
                result.data[o] = Double(NDArray.argRun(base + inner, length, stride: innerSize, max: max))
                o += 1
            }
        }
        return result
    }

    static func argRun(_ a: UnsafePointer<Double>, _ n: Int, stride: Int, max: Bool) -> Int {
        var best = a[0]
        var bestIndex = 0
        if best.isNaN { return 0 }
        var p = stride
        for i in 1..<Swift.max(n, 1) {
            let x = a[p]
            if x.isNaN { return i }
            if max ? (x > best) : (x < best) {
                best = x
                bestIndex = i
            }
            p += stride
        }
        return bestIndex
    }
}
