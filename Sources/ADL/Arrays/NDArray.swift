// The n-d array storage of ADL: a C-order, contiguous, owning buffer of
// float64 values with a shape. Boolean arrays use the same storage and hold
// exactly 0 or 1 in every element, flagged by `isBool`.
//
// Invariants:
// - `count == shape.reduce(1, *)`, every dimension is >= 0;
// - `data` points at `max(count, 1)` initialised doubles and is freed in deinit;
// - an `NDArray` is never a view: slicing, transposing and broadcasting copy.
//   Value semantics (SPEC §3) come from the VM, which copies before writing
//   into an array that is not uniquely referenced.

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An n-dimensional float64 (or bool) array in C order, owning its buffer.
public final class NDArray {
    /// The extent of each axis; empty for a 0-d array.
    public let shape: [Int]
    /// The number of elements, the product of `shape`.
    public let count: Int
    /// True for boolean arrays, whose elements are exactly 0 or 1.
    public let isBool: Bool
    /// The elements in C order; `count` of them (at least one slot is allocated).
    public let data: UnsafeMutablePointer<Double>

    /// The largest number of elements one array may hold; exceeding it is an
    /// `ADLError` of kind `.memory`, never a crash.
    nonisolated(unsafe) public static var maxElements: Int = 1 << 31

    /// A zero-filled array. Negative dimensions and sizes beyond `maxElements`
    /// are errors.
    public convenience init(shape: [Int], isBool: Bool = false) throws {
        try self.init(uninitializedShape: shape, isBool: isBool)
        data.initialize(repeating: 0, count: Swift.max(count, 1))
    }

    /// An array holding `values` (C order); their number must match the shape.
    public convenience init(shape: [Int], values: [Double], isBool: Bool = false) throws {
        try self.init(uninitializedShape: shape, isBool: isBool)
        guard values.count == count else {
            data.initialize(repeating: 0, count: Swift.max(count, 1))
            throw ADLError.value(
                "cannot reshape array of size \(values.count) into shape \(formatShape(shape))")
        }
        if count == 0 {
            data.initialize(to: 0)
        } else {
            values.withUnsafeBufferPointer { buffer in
                if let base = buffer.baseAddress {
                    data.initialize(from: base, count: count)
                }
            }
            if isBool {
                for i in 0..<count { data[i] = data[i] != 0 ? 1 : 0 }
            }
        }
    }

    /// A 0-d array holding one value (0/1 for a bool).
    public static func scalar(_ value: Double, isBool: Bool = false) -> NDArray {
        let result = NDArray(validShape: [], count: 1, isBool: isBool)
        result.data[0] = isBool ? (value != 0 ? 1 : 0) : value
        return result
    }

    /// An array whose elements the caller must write before reading
    /// (kernels fill every element); a bool array must receive only 0 and 1.
    /// Shape errors and the allocation limit are checked as in `init(shape:)`.
    public init(uninitializedShape shape: [Int], isBool: Bool = false) throws {
        if shape.contains(where: { $0 < 0 }) {
            throw ADLError.value("negative dimensions are not allowed")
        }
        let total = try NDArray.checkedCount(shape)
        self.shape = shape
        self.count = total
        self.isBool = isBool
        self.data = NDArray.allocateBuffer(Swift.max(total, 1))
        if total == 0 { data.initialize(to: 0) }
    }

    /// An uninitialised array of a shape that is already known to be valid
    /// (derived from an existing array), so it cannot fail.
    init(validShape shape: [Int], count: Int, isBool: Bool) {
        self.shape = shape
        self.count = count
        self.isBool = isBool
        self.data = NDArray.allocateBuffer(Swift.max(count, 1))
        if count == 0 { data.initialize(to: 0) }
    }

    deinit {
        data.deallocate()
    }

    /// Allocates `n` doubles with malloc (so freed buffers are reused by the
    /// next allocation of the size), and advises buffers of 4 MiB and more to
    /// use transparent huge pages, as NumPy does: a fresh 80 MB result then
    /// costs about 10 ms of page faults instead of 50.
    private static func allocateBuffer(_ n: Int) -> UnsafeMutablePointer<Double> {
        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: n)
        #if canImport(Glibc)
        let bytes = n * MemoryLayout<Double>.stride
        if bytes >= (4 << 20) {
            let page = 4096
            let start = (Int(bitPattern: buffer) + page - 1) & ~(page - 1)
            let end = (Int(bitPattern: buffer) + bytes) & ~(page - 1)
            if end > start, let p = UnsafeMutableRawPointer(bitPattern: start) {
                _ = madvise(p, end - start, 14)  // MADV_HUGEPAGE
            }
        }
        #endif
        return buffer
    }

    /// The element count of a shape, or the allocation error when it exceeds
    /// `maxElements` (or Int). As in NumPy, the product of the nonzero dimensions
    /// must fit in an Int even when another dimension is 0: an empty array of shape
    /// (0, 2**62, 4) is refused, so that the strides and partial products of every
    /// shape that exists, in any axis order, fit in an Int.
    static func checkedCount(_ shape: [Int]) throws -> Int {
        var nonzero = 1
        var empty = false
        for dim in shape {
            if dim == 0 {
                empty = true
                continue
            }
            let (product, overflow) = nonzero.multipliedReportingOverflow(by: dim)
            if overflow { throw allocationError(elements: nil) }
            nonzero = product
        }
        let total = empty ? 0 : nonzero
        if total > maxElements { throw allocationError(elements: total) }
        return total
    }

    @inline(never)
    static func allocationError(elements: Int?) -> ADLError {
        let n = elements.map(String.init) ?? "more than \(Int.max)"
        return ADLError.memory(
            "array of \(n) elements exceeds the allocation limit of \(NDArray.maxElements) elements")
    }

    /// The number of axes.
    public var ndim: Int { shape.count }

    /// A fresh array with the same shape, kind and elements.
    public func copy() -> NDArray {
        let result = NDArray(validShape: shape, count: count, isBool: isBool)
        result.data.update(from: data, count: Swift.max(count, 1))
        return result
    }

    /// A copy with the same elements flagged as bool or not (values are kept;
    /// converting to bool maps every nonzero element, nan included, to 1).
    public func asBool() -> NDArray {
        let result = NDArray(validShape: shape, count: count, isBool: true)
        if isBool {
            result.data.update(from: data, count: Swift.max(count, 1))
        } else {
            for i in 0..<count { result.data[i] = data[i] != 0 ? 1 : 0 }
        }
        return result
    }

    /// A copy flagged as float (the 0/1 of a bool array become 0.0/1.0).
    public func asFloat() -> NDArray {
        let result = NDArray(validShape: shape, count: count, isBool: false)
        result.data.update(from: data, count: Swift.max(count, 1))
        return result
    }

    /// The elements as a Swift array (C order); for tests and small arrays.
    public var values: [Double] {
        Array(UnsafeBufferPointer(start: data, count: count))
    }

    /// The C-order strides (in elements) of `shape`.
    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: shape.count)
        var step = 1
        var axis = shape.count - 1
        while axis >= 0 {
            strides[axis] = step
            // Wrapping: only an empty array's dimensions can overflow (zeros((0, 2**62, 4))),
            // and no element of it is ever addressed.
            step &*= Swift.max(shape[axis], 1)
            axis -= 1
        }
        return strides
    }

    /// The same elements in a new shape; one dimension may be -1 and is
    /// inferred. The size must match, as NumPy's `reshape` requires.
    public func reshaped(_ newShape: [Int]) throws -> NDArray {
        var resolved = newShape
        var unknown: Int? = nil
        var known = 1
        for (axis, dim) in newShape.enumerated() {
            if dim == -1 {
                if unknown != nil {
                    throw ADLError.value("can only specify one unknown dimension")
                }
                unknown = axis
            } else if dim < 0 {
                throw ADLError.value("negative dimensions are not allowed")
            } else {
                let (product, overflow) = known.multipliedReportingOverflow(by: dim)
                if overflow {
                    throw ADLError.value(
                        "cannot reshape array of size \(count) into shape \(NDArray.reshapeText(newShape))")
                }
                known = product
            }
        }
        if let axis = unknown {
            if known == 0 || count % known != 0 {
                throw ADLError.value(
                    "cannot reshape array of size \(count) into shape \(NDArray.reshapeText(newShape))")
            }
            resolved[axis] = count / known
        } else if known != count {
            throw ADLError.value(
                "cannot reshape array of size \(count) into shape \(NDArray.reshapeText(newShape))")
        }
        // An empty array may take any shape with a 0 in it, within the rule of `checkedCount`.
        if count == 0 { _ = try NDArray.checkedCount(resolved) }
        let result = NDArray(validShape: resolved, count: count, isBool: isBool)
        result.data.update(from: data, count: Swift.max(count, 1))
        return result
    }

    /// A requested shape as NumPy's reshape error prints it: `(4,5,newaxis)`.
    static func reshapeText(_ shape: [Int]) -> String {
        let parts = shape.map { $0 == -1 ? "newaxis" : String($0) }
        return "(" + parts.joined(separator: ",") + (shape.count == 1 ? ",)" : ")")
    }

    /// The array with its axes reversed (NumPy's `.T`), as a fresh C-order copy.
    public func transposed() -> NDArray {
        let n = ndim
        if n < 2 { return copy() }
        let axes = Array((0..<n).reversed())
        // Invariant: `axes` is a permutation, so this cannot fail.
        return permutedUnchecked(axes)
    }

    /// The array with its axes permuted (`axes[i]` is the source axis of
    /// result axis i). Errors when `axes` is not a permutation of 0..<ndim
    /// (negative entries count from the end).
    public func permuted(_ axes: [Int]) throws -> NDArray {
        guard axes.count == ndim else {
            throw ADLError.value("axes don't match array")
        }
        var seen = [Bool](repeating: false, count: ndim)
        var normalised = [Int]()
        for axis in axes {
            let a = try NDArray.normaliseAxis(axis, ndim: ndim)
            if seen[a] { throw ADLError.value("repeated axis in transpose") }
            seen[a] = true
            normalised.append(a)
        }
        return permutedUnchecked(normalised)
    }

    func permutedUnchecked(_ axes: [Int]) -> NDArray {
        if axes == [1, 0] {
            return transposed2D()
        }
        let sourceStrides = NDArray.contiguousStrides(shape)
        let newShape = axes.map { shape[$0] }
        let strides = axes.map { sourceStrides[$0] }
        let result = NDArray(validShape: newShape, count: count, isBool: isBool)
        if count > 0 {
            stridedCopy(from: data, shape: newShape, strides: strides, to: result.data)
        }
        return result
    }

    /// The transpose of a matrix (a tiled copy, `transposeCopy`).
    private func transposed2D() -> NDArray {
        let result = NDArray(validShape: [shape[1], shape[0]], count: count, isBool: isBool)
        NDArray.transposeCopy(data, rows: shape[0], cols: shape[1], result.data)
        return result
    }

    /// Maps a possibly negative axis into 0..<ndim, or throws NumPy's error.
    static func normaliseAxis(_ axis: Int, ndim: Int) throws -> Int {
        let a = axis < 0 ? axis + ndim : axis
        if a < 0 || a >= ndim {
            throw ADLError.value("axis \(axis) is out of bounds for array of dimension \(ndim)")
        }
        return a
    }
}

// MARK: - Shape text

/// A shape as Python prints the tuple: `()`, `(3,)`, `(2, 3)`.
public func formatShape(_ shape: [Int]) -> String {
    if shape.count == 1 { return "(\(shape[0]),)" }
    return "(" + shape.map(String.init).joined(separator: ", ") + ")"
}

// MARK: - Strided copy

/// Copies the elements addressed by (`shape`, `strides`) from `source`, in
/// C order of `shape`, into the contiguous `destination`. Strides are in
/// elements and may be zero or negative.
func stridedCopy(from source: UnsafePointer<Double>, shape: [Int], strides: [Int],
                 to destination: UnsafeMutablePointer<Double>) {
    let n = shape.count
    if n == 0 {
        destination[0] = source[0]
        return
    }
    for d in shape where d == 0 { return }
    let inner = shape[n - 1]
    let innerStride = strides[n - 1]
    var index = [Int](repeating: 0, count: n)
    var offset = 0
    var out = destination
    while true {
        let src = source + offset
        if innerStride == 1 {
            out.update(from: src, count: inner)
        } else if innerStride == 0 {
            out.update(repeating: src[0], count: inner)
        } else {
            var s = 0
            for i in 0..<inner {
                out[i] = src[s]
                s += innerStride
            }
        }
        out += inner
        // Advance the odometer over the outer axes.
        var axis = n - 2
        while axis >= 0 {
            index[axis] += 1
            offset += strides[axis]
            if index[axis] < shape[axis] { break }
            offset -= strides[axis] * shape[axis]
            index[axis] = 0
            axis -= 1
        }
        if axis < 0 { return }
    }
}
