// Shape changes that move or replicate elements, with NumPy's rules and error
// messages: expand_dims squeeze swapaxes flip, concatenate stack hstack vstack,
// broadcast_to tile repeat pad.
//
// Invariants:
// - every result is a fresh C-order array; a join or a tile copies whole
//   contiguous runs (block copies), never element by element where a run exists;
// - a join of bool arrays is bool only when every part is;
// - sizes of results go through `checkedCount`, so a huge tile, repeat, pad or
//   join is the allocation error, never a trap; loops are iterative (no
//   recursion over the axes), so any number of axes is safe.

extension NDArray {
    // MARK: - Axes and shapes

    /// A copy of the elements with another shape of the same size.
    private func withShape(_ newShape: [Int]) -> NDArray {
        let result = NDArray(validShape: newShape, count: count, isBool: isBool)
        result.data.update(from: data, count: Swift.max(count, 1))
        return result
    }

    /// Normalises axes (negative from the end) that must all differ, with
    /// NumPy's `normalize_axis_tuple` message for a repeated one.
    static func normaliseDistinctAxes(_ axes: [Int], ndim: Int) throws -> [Int] {
        var seen = [Bool](repeating: false, count: ndim)
        var result: [Int] = []
        for axis in axes {
            let a = try normaliseAxis(axis, ndim: ndim)
            if seen[a] { throw ADLError.value("repeated axis") }
            seen[a] = true
            result.append(a)
        }
        return result
    }

    /// A shape as NumPy's broadcasting errors print it: `(3,)`, `(2,3)`, `()`.
    static func compactShape(_ shape: [Int]) -> String {
        "(" + shape.map(String.init).joined(separator: ",") + (shape.count == 1 ? ",)" : ")")
    }

    /// The element count of a shape given as products or sums that may
    /// overflow: the allocation error when they do or exceed the limit.
    private static func checkedDimension(_ value: (partialValue: Int, overflow: Bool)) throws -> Int {
        if value.overflow { throw allocationError(elements: nil) }
        return value.partialValue
    }

    /// NumPy's `expand_dims`: a new axis of length 1 at each of `axes`, which
    /// count in the result's dimensions.
    public func expandingDims(_ axes: [Int]) throws -> NDArray {
        let outNdim = ndim + axes.count
        let inserted = try NDArray.normaliseDistinctAxes(axes, ndim: outNdim)
        var newShape: [Int] = []
        var next = 0
        for axis in 0..<outNdim {
            if inserted.contains(axis) {
                newShape.append(1)
            } else {
                newShape.append(shape[next])
                next += 1
            }
        }
        return withShape(newShape)
    }

    /// NumPy's `squeeze`: without `axes`, every axis of length 1 removed;
    /// with them, those axes, each of which must have length 1.
    public func squeezed(_ axes: [Int]?) throws -> NDArray {
        guard let axes = axes else { return withShape(shape.filter { $0 != 1 }) }
        if ndim == 0 {
            // NumPy accepts axis 0 and -1 for a 0-d array.
            for axis in axes where axis != 0 && axis != -1 {
                throw ADLError.value("axis \(axis) is out of bounds for array of dimension 0")
            }
            return copy()
        }
        let removed = try NDArray.normaliseAxes(axes, ndim: ndim)
        for axis in removed where shape[axis] != 1 {
            throw ADLError.value("cannot select an axis to squeeze out which has size not equal to one")
        }
        var newShape: [Int] = []
        for axis in 0..<ndim where !removed.contains(axis) { newShape.append(shape[axis]) }
        return withShape(newShape)
    }

    /// NumPy's `swapaxes`: the array with two axes exchanged.
    public func swappingAxes(_ first: Int, _ second: Int) throws -> NDArray {
        var order = Array(0..<ndim)
        let a = try NDArray.normaliseAxis(first, ndim: ndim, argument: "axis1")
        let b = try NDArray.normaliseAxis(second, ndim: ndim, argument: "axis2")
        order.swapAt(a, b)
        return permutedUnchecked(order)
    }

    /// `normaliseAxis` with NumPy's prefix naming the argument (`axis1: axis 3 is out of bounds ...`).
    private static func normaliseAxis(_ axis: Int, ndim: Int, argument: String) throws -> Int {
        do {
            return try normaliseAxis(axis, ndim: ndim)
        } catch var error as ADLError {
            error.message = "\(argument): " + error.message
            throw error
        }
    }

    /// NumPy's `flip`: the elements in reverse order along `axes` (nil = all).
    public func flipped(_ axes: [Int]?) throws -> NDArray {
        let flippedAxes = try axes.map { try NDArray.normaliseDistinctAxes($0, ndim: ndim) } ?? Array(0..<ndim)
        var strides = NDArray.contiguousStrides(shape)
        let result = NDArray(validShape: shape, count: count, isBool: isBool)
        if count == 0 { return result }
        var offset = 0
        for axis in flippedAxes {
            offset += (shape[axis] - 1) * strides[axis]
            strides[axis] = -strides[axis]
        }
        stridedCopy(from: data + offset, shape: shape, strides: strides, to: result.data)
        return result
    }

    /// A copy of the elements read in the order of the axes `order` (a
    /// permutation) and laid out with `resultShape`, which has the same size.
    private func permutedCopy(_ order: [Int], resultShape: [Int]) -> NDArray {
        let own = NDArray.contiguousStrides(shape)
        let result = NDArray(validShape: resultShape, count: count, isBool: isBool)
        if count > 0 {
            stridedCopy(from: data, shape: order.map { shape[$0] }, strides: order.map { own[$0] }, to: result.data)
        }
        return result
    }

    // MARK: - Joining

    /// The arrays a join reads: a list of arrays, or the rows (first-axis
    /// slices) of one array, which is how NumPy iterates an array argument
    /// (`concatenate([a, b])` with equal shapes passes one stacked array).
    public enum JoinInput {
        case arrays([NDArray])
        case rows(NDArray)
    }

    /// A part of a join: elements in C order at `base`, seen with `shape`.
    private struct Block {
        let base: UnsafePointer<Double>
        var shape: [Int]
        let isBool: Bool

        init(_ a: NDArray) {
            base = UnsafePointer(a.data)
            shape = a.shape
            isBool = a.isBool
        }
    }

    /// NumPy's `concatenate`: the parts joined along an existing axis, or
    /// flattened and joined for a nil axis.
    public static func concatenate(_ input: JoinInput, axis: Int?) throws -> NDArray {
        switch input {
        case .rows(let a):
            guard a.ndim >= 1, a.shape[0] > 0 else { throw ADLError.value("need at least one array to concatenate") }
            guard let axis = axis else { return a.withShape([a.count]) }
            guard a.ndim >= 2 else { throw ADLError.value("zero-dimensional arrays cannot be concatenated") }
            return a.rowsJoined(at: try normaliseAxis(axis, ndim: a.ndim - 1))
        case .arrays(let items):
            return try withExtendedLifetime(items) {
                var blocks = items.map(Block.init)
                guard let axis = axis else {
                    for i in blocks.indices { blocks[i].shape = [items[i].count] }
                    return try join(blocks, axis: 0)
                }
                return try join(blocks, axis: axis)
            }
        }
    }

    /// NumPy's `stack`: equal-shape parts joined along a new axis.
    public static func stack(_ input: JoinInput, axis: Int) throws -> NDArray {
        switch input {
        case .rows(let a):
            guard a.ndim >= 1, a.shape[0] > 0 else { throw ADLError.value("need at least one array to stack") }
            // Stacking the rows along `axis` moves the first axis there.
            let target = try normaliseAxis(axis, ndim: a.ndim)
            if target == 0 { return a.copy() }
            var order = Array(1..<a.ndim)
            order.insert(0, at: target)
            return a.permutedCopy(order, resultShape: order.map { a.shape[$0] })
        case .arrays(let items):
            guard let first = items.first else { throw ADLError.value("need at least one array to stack") }
            for item in items where item.shape != first.shape {
                throw ADLError.shape("all input arrays must have the same shape")
            }
            let target = try normaliseAxis(axis, ndim: first.ndim + 1)
            return try withExtendedLifetime(items) {
                var blocks = items.map(Block.init)
                for i in blocks.indices { blocks[i].shape.insert(1, at: target) }
                return try join(blocks, axis: target)
            }
        }
    }

    /// NumPy's `hstack`: parts made at least 1-d, joined along axis 0 when
    /// the first is 1-d and along axis 1 otherwise.
    public static func hstack(_ input: JoinInput) throws -> NDArray {
        switch input {
        case .rows(let a):
            guard a.ndim >= 1, a.shape[0] > 0 else { throw ADLError.value("need at least one array to concatenate") }
            // Rows of 0 or 1 dimensions join into the flat elements; deeper rows along their axis 1.
            if a.ndim <= 2 { return a.withShape([a.count]) }
            return a.rowsJoined(at: 1)
        case .arrays(let items):
            return try withExtendedLifetime(items) {
                var blocks = items.map(Block.init)
                for i in blocks.indices where blocks[i].shape.isEmpty { blocks[i].shape = [1] }
                return try join(blocks, axis: blocks.first?.shape.count == 1 ? 0 : 1)
            }
        }
    }

    /// NumPy's `vstack`: parts made at least 2-d (a 1-d part becomes a row),
    /// joined along axis 0.
    public static func vstack(_ input: JoinInput) throws -> NDArray {
        switch input {
        case .rows(let a):
            guard a.ndim >= 1, a.shape[0] > 0 else { throw ADLError.value("need at least one array to concatenate") }
            if a.ndim == 1 { return a.withShape([a.shape[0], 1]) }
            if a.ndim == 2 { return a.copy() }
            return a.rowsJoined(at: 0)
        case .arrays(let items):
            return try withExtendedLifetime(items) {
                var blocks = items.map(Block.init)
                for i in blocks.indices where blocks[i].shape.count < 2 {
                    blocks[i].shape = blocks[i].shape.isEmpty ? [1, 1] : [1, blocks[i].shape[0]]
                }
                return try join(blocks, axis: 0)
            }
        }
    }

    /// The rows of this array joined along axis `axis` of a row: element
    /// `[..., i * n + j, ...]` of the result is `self[i, ..., j, ...]`.
    private func rowsJoined(at axis: Int) -> NDArray {
        if axis == 0 { return withShape([shape[0] * shape[1]] + shape[2...]) }
        var order = Array(1..<ndim)
        order.insert(0, at: axis)
        var resultShape = Array(shape.dropFirst())
        resultShape[axis] *= shape[0]  // the same elements: the product fits
        return permutedCopy(order, resultShape: resultShape)
    }

    /// Joins blocks along `axis` (negative from the end), checking the
    /// dimensions with NumPy's messages, then copying one contiguous chunk per
    /// block and outer index.
    private static func join(_ blocks: [Block], axis: Int) throws -> NDArray {
        guard let first = blocks.first else { throw ADLError.value("need at least one array to concatenate") }
        let nd = first.shape.count
        if nd == 0 { throw ADLError.value("zero-dimensional arrays cannot be concatenated") }
        let ax = try normaliseAxis(axis, ndim: nd)
        var total = 0
        for (i, block) in blocks.enumerated() {
            if block.shape.count != nd {
                throw ADLError.shape("all the input arrays must have same number of dimensions, but the array at index 0 has \(nd) dimension(s) and the array at index \(i) has \(block.shape.count) dimension(s)")
            }
            for d in 0..<nd where d != ax && block.shape[d] != first.shape[d] {
                throw ADLError.shape("all the input array dimensions except for the concatenation axis must match exactly, but along dimension \(d), the array at index 0 has size \(first.shape[d]) and the array at index \(i) has size \(block.shape[d])")
            }
            total = try checkedDimension(total.addingReportingOverflow(block.shape[ax]))
        }
        var outShape = first.shape
        outShape[ax] = total
        let result = try NDArray(uninitializedShape: outShape, isBool: blocks.allSatisfy { $0.isBool })
        if result.count == 0 { return result }
        let inner = outShape[(ax + 1)...].reduce(1, *)
        let outer = outShape[..<ax].reduce(1, *)
        let chunks = blocks.map { $0.shape[ax] * inner }
        var out = result.data
        if chunks.allSatisfy({ $0 == 1 }) {
            // Stacking along the last axis: interleave element by element.
            let bases = blocks.map(\.base)
            for o in 0..<outer {
                for (j, base) in bases.enumerated() { out[j] = base[o] }
                out += bases.count
            }
            return result
        }
        for o in 0..<outer {
            for (block, chunk) in zip(blocks, chunks) where chunk > 0 {
                copyRun(out, block.base + o * chunk, chunk)
                out += chunk
            }
        }
        return result
    }

    // MARK: - Replication

    /// NumPy's `broadcast_to`, with its messages for a shape that does not fit.
    public func broadcastTo(_ target: [Int]) throws -> NDArray {
        if target.contains(where: { $0 < 0 }) {
            throw ADLError.value("all elements of broadcast shape must be non-negative")
        }
        if target.isEmpty && ndim > 0 {
            throw ADLError.shape("cannot broadcast a non-scalar to a scalar array")
        }
        if ndim > target.count {
            throw ADLError.shape("input operand has more dimensions than allowed by the axis remapping")
        }
        let offset = target.count - ndim
        for axis in 0..<ndim where shape[axis] != 1 && shape[axis] != target[axis + offset] {
            throw ADLError.shape("operands could not be broadcast together with remapped shapes [original->remapped]: \(NDArray.compactShape(shape))  and requested shape \(NDArray.compactShape(target))")
        }
        return try broadcast(to: target)
    }

    /// NumPy's `tile`: the array repeated `reps[k]` times along each axis,
    /// where the shorter of `reps` and the shape is padded with leading 1s.
    public func tiled(_ reps: [Int]) throws -> NDArray {
        if reps.contains(where: { $0 < 0 }) { throw ADLError.value("negative dimensions are not allowed") }
        let d = Swift.max(reps.count, ndim)
        let sizes = [Int](repeating: 1, count: d - ndim) + shape
        let times = [Int](repeating: 1, count: d - reps.count) + reps
        var outShape: [Int] = []
        for k in 0..<d { outShape.append(try NDArray.checkedDimension(sizes[k].multipliedReportingOverflow(by: times[k]))) }
        let result = try NDArray(uninitializedShape: outShape, isBool: isBool)
        if result.count == 0 { return result }
        // The result read as (t0, s0, t1, s1, ...): each copy index has stride 0 in the source.
        let own = NDArray.contiguousStrides(sizes)
        var viewShape: [Int] = [], viewStrides: [Int] = []
        for k in 0..<d {
            if times[k] != 1 { viewShape.append(times[k]); viewStrides.append(0) }
            if sizes[k] != 1 { viewShape.append(sizes[k]); viewStrides.append(own[k]) }
        }
        stridedCopy(from: data, shape: viewShape, strides: viewStrides, to: result.data)
        return result
    }

    /// NumPy's `repeat`: each element (each slice along `axis`; of the
    /// flattened array for nil) repeated `repeats[i]` times, or `repeats[0]`
    /// times when it holds one count.
    public func repeated(_ repeats: [Int], axis: Int?) throws -> NDArray {
        // A 0-d array repeats as a 1-d one of one element (NumPy).
        let sourceShape = axis == nil || shape.isEmpty ? [count] : shape
        let ax = try NDArray.normaliseAxis(axis ?? 0, ndim: sourceShape.count)
        let length = sourceShape[ax]
        var total = 0
        if repeats.count == 1 {
            if repeats[0] < 0 { throw ADLError.value("negative dimensions are not allowed") }
            total = try NDArray.checkedDimension(length.multipliedReportingOverflow(by: repeats[0]))
        } else {
            guard repeats.count == length else {
                throw ADLError.shape("operands could not be broadcast together with shape (\(length),) (\(repeats.count),)")
            }
            for r in repeats {
                if r < 0 { throw ADLError.value("repeats may not contain negative values.") }
                total = try NDArray.checkedDimension(total.addingReportingOverflow(r))
            }
        }
        var outShape = sourceShape
        outShape[ax] = total
        let result = try NDArray(uninitializedShape: outShape, isBool: isBool)
        if result.count == 0 { return result }
        let inner = sourceShape[(ax + 1)...].reduce(1, *)
        let outer = sourceShape[..<ax].reduce(1, *)
        if repeats.count == 1 {
            // The result read as (outer, length, r, inner), the copy index with stride 0.
            let all = [outer, length, repeats[0], inner], allStrides = [length * inner, inner, 0, 1]
            let kept = (0..<4).filter { all[$0] != 1 }
            stridedCopy(from: data, shape: kept.map { all[$0] }, strides: kept.map { allStrides[$0] }, to: result.data)
            return result
        }
        var out = result.data
        repeats.withUnsafeBufferPointer { counts in
            for o in 0..<outer {
                let base = data + o * length * inner
                for i in 0..<length {
                    var k = counts[i]
                    if inner == 1 {
                        // Mostly a few copies of one number: plain stores beat a fill call.
                        let x = base[i]
                        while k > 0 {
                            out.pointee = x
                            out += 1
                            k -= 1
                        }
                    } else {
                        while k > 0 {
                            NDArray.copyRun(out, base + i * inner, inner)
                            out += inner
                            k -= 1
                        }
                    }
                }
            }
        }
        return result
    }

    // MARK: - Padding

    /// The modes of `pad` that ADL implements (NumPy's names).
    public enum PadMode: String, Sendable, CaseIterable {
        case constant, edge, reflect, symmetric, wrap
    }

    /// NumPy's `pad`: `widths[k]` elements added before and after along each
    /// axis k, filled by `mode`. In constant mode a corner takes the value of
    /// the last axis it pads (NumPy fills axis by axis); the other modes read
    /// the source at a mapped index per axis (clamped for edge; mirrored
    /// without or with the edge for reflect and symmetric; periodic for wrap),
    /// which is what NumPy's axis-by-axis filling amounts to.
    public func padded(_ widths: [(before: Int, after: Int)], mode: PadMode,
                       constants: [(before: Double, after: Double)]) throws -> NDArray {
        guard widths.count == ndim && constants.count == ndim else {
            throw ADLError.value("pad needs one (before, after) pair of widths and of constants per axis")
        }
        if widths.contains(where: { $0.before < 0 || $0.after < 0 }) {
            throw ADLError.value("index can't contain negative values")
        }
        if mode != .constant {
            for axis in 0..<ndim where shape[axis] == 0 && (widths[axis].before > 0 || widths[axis].after > 0) {
                throw ADLError.value("can't extend empty axis \(axis) using modes other than 'constant' or 'empty'")
            }
        }
        var outShape: [Int] = []
        for axis in 0..<ndim {
            let grown = try NDArray.checkedDimension(shape[axis].addingReportingOverflow(widths[axis].before))
            outShape.append(try NDArray.checkedDimension(grown.addingReportingOverflow(widths[axis].after)))
        }
        let result = try NDArray(uninitializedShape: outShape, isBool: isBool)
        // A bool array stays bool, its constants made 0 or 1 (NumPy casts them to the array's type).
        let constants = isBool ? constants.map { (before: $0.before != 0 ? 1.0 : 0.0, after: $0.after != 0 ? 1.0 : 0.0) }
                               : constants
        if result.count == 0 { return result }
        if ndim == 0 {
            result.data[0] = data[0]
            return result
        }
        // Per outer axis, the source index of each result index: -1 and -2 mark the constant before and after.
        let last = ndim - 1
        let maps = (0..<last).map { NDArray.padMap(length: shape[$0], before: widths[$0].before,
                                                   range: 0..<outShape[$0], mode: mode) }
        let strides = NDArray.contiguousStrides(shape)
        // Along the last axis: the source run is copied whole; only the padding needs a map.
        let before = widths[last].before, length = shape[last], after = widths[last].after
        let rowLength = outShape[last]
        let lowMap = mode == .constant ? [] : NDArray.padMap(length: length, before: before, range: 0..<before, mode: mode)
        let highMap = mode == .constant ? []
            : NDArray.padMap(length: length, before: before, range: (before + length)..<rowLength, mode: mode)
        let (low, high) = constants[last]
        let fastConstants = last > 0 ? constants[last - 1] : (before: 0.0, after: 0.0)
        // Rows: the fastest outer axis in an inner loop (one row for a 1-d array), the slower axes by an odometer.
        let fast = last - 1
        let fastMap = last > 0 ? maps[fast] : [0]
        let fastStride = last > 0 ? strides[fast] : 0
        var index = [Int](repeating: 0, count: Swift.max(fast, 0))
        var out = result.data
        while true {
            // The row's source offset from the slower axes, and the constant of the last one padding it.
            var offset = 0
            var pending: Double? = nil
            for axis in 0..<Swift.max(fast, 0) {
                let m = maps[axis][index[axis]]
                if m >= 0 {
                    offset += m * strides[axis]
                } else {
                    pending = m == -1 ? constants[axis].before : constants[axis].after
                }
            }
            for m in fastMap {
                var src = UnsafePointer(data)
                var rowPending = pending
                if m >= 0 {
                    src += offset + m * fastStride
                } else {
                    rowPending = m == -1 ? fastConstants.before : fastConstants.after
                }
                if mode == .constant {
                    // Constant before, the source run (or an outer axis's constant), constant after.
                    NDArray.fillRun(out, low, before)
                    if let p = rowPending {
                        NDArray.fillRun(out + before, p, length)
                    } else {
                        NDArray.copyRun(out + before, src, length)
                    }
                    NDArray.fillRun(out + before + length, high, after)
                } else {
                    for i in 0..<before { out[i] = src[lowMap[i]] }
                    NDArray.copyRun(out + before, src, length)
                    let tail = out + before + length
                    for i in 0..<after { tail[i] = src[highMap[i]] }
                }
                out += rowLength
            }
            var axis = fast - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < outShape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { return result }
        }
    }

    /// Copies `n` elements; short runs element by element (cheaper than a call).
    private static func copyRun(_ dst: UnsafeMutablePointer<Double>, _ src: UnsafePointer<Double>, _ n: Int) {
        if n < 16 {
            for j in 0..<n { dst[j] = src[j] }
        } else {
            dst.update(from: src, count: n)
        }
    }

    /// Writes `value` into `n` elements; short runs element by element.
    private static func fillRun(_ dst: UnsafeMutablePointer<Double>, _ value: Double, _ n: Int) {
        if n < 16 {
            for j in 0..<n { dst[j] = value }
        } else {
            dst.update(repeating: value, count: n)
        }
    }

    /// The source index of each result index in `range` along an axis of
    /// `length` padded by `before`: -1 and -2 for the constant mode's before and after.
    private static func padMap(length n: Int, before: Int, range: Range<Int>, mode: PadMode) -> [Int] {
        range.map { i -> Int in
            let j = i - before
            if j >= 0 && j < n { return j }
            switch mode {
            case .constant:
                return j < 0 ? -1 : -2
            case .edge:
                return j < 0 ? 0 : n - 1
            case .reflect:
                if n == 1 { return 0 }
                let period = 2 * (n - 1)
                let m = ((j % period) + period) % period
                return m >= n ? period - m : m
            case .symmetric:
                let period = 2 * n
                let m = ((j % period) + period) % period
                return m >= n ? period - 1 - m : m
            case .wrap:
                return ((j % n) + n) % n
            }
        }
    }
}
