// Indexing with NumPy semantics: integers, slices (negative steps, empty
// slices), newaxis, ellipsis, missing trailing components, plus one advanced
// component (a boolean mask over one or more axes, or an array of integral
// floats along one axis). Reads produce a fresh array; writes go in place and
// broadcast the value to the selected region.
//
// An index is first resolved into a `Selection`: a base offset and a list of
// result dimensions, each either strided (size, stride) or a table of
// offsets (the advanced component). Reading and writing walk the selection
// in C order one innermost run at a time.

extension NDArray {
    /// One component of an index expression `x[i, 1:, None, ..., mask]`.
    public enum IndexComponent {
        case int(Int)
        case slice(start: Int?, stop: Int?, step: Int?)
        case newAxis
        case ellipsis
        /// A bool array covering `mask.ndim` axes at its position.
        case mask(NDArray)
        /// An array of integral float values indexing one axis (a bool array
        /// given here is treated as a mask).
        case intArray(NDArray)
    }

    /// One dimension of a selection: strided, or a table of offsets.
    struct SelectedDim {
        var size: Int
        var stride: Int
        var table: [Int]?
    }

    /// A resolved index: where the selected elements are and the result shape.
    struct Selection {
        var offset: Int
        var dims: [SelectedDim]
        var shape: [Int]
        var count: Int
        /// True when an array or mask component took part.
        var advanced: Bool
        /// True when the index picks one element with integers alone.
        var element: Bool
        /// An out-of-bounds entry of an index array, reported after the
        /// shape checks (the table then holds 0 in its place).
        var pendingError: ADLError?
    }

    /// NumPy's messages for a value that does not broadcast to the target of
    /// an index assignment (shapes printed without spaces, as NumPy does).
    @inline(never)
    static func assignmentShapeError(value: [Int], target: [Int], advanced: Bool,
                                     element: Bool) -> ADLError {
        func compact(_ s: [Int]) -> String {
            "(" + s.map(String.init).joined(separator: ",") + (s.count == 1 ? ",)" : ")")
        }
        if element {
            return ADLError.shape("setting an array element with a sequence.")
        }
        if advanced {
            return ADLError.shape(
                "shape mismatch: value array of shape \(compact(value)) could not be broadcast to indexing result of shape \(compact(target))")
        }
        return ADLError.shape(
            "could not broadcast input array from shape \(compact(value)) into shape \(compact(target))")
    }

    /// The (start, count, step) of a Python slice over an axis of `length`.
    static func sliceBounds(start: Int?, stop: Int?, step: Int?, length: Int) throws -> (start: Int, count: Int, step: Int) {
        let step = step ?? 1
        if step == 0 { throw ADLError.value("slice step cannot be zero") }
        func adjust(_ value: Int?, default def: Int) -> Int {
            guard var v = value else { return def }
            if v < 0 {
                v = v < -length ? (step < 0 ? -1 : 0) : v + length
            } else if v >= length {
                v = step < 0 ? length - 1 : length
            }
            return v
        }
        let lo = adjust(start, default: step < 0 ? length - 1 : 0)
        let hi = adjust(stop, default: step < 0 ? -1 : length)
        let count: Int
        if step > 0 {
            count = hi > lo ? (hi - lo - 1) / step + 1 : 0
        } else if step == Int.min {
            count = lo > hi ? 1 : 0
        } else {
            count = lo > hi ? (lo - hi - 1) / (-step) + 1 : 0
        }
        return (lo, count, step)
    }

    /// Resolves `index` against this array's shape, with NumPy's errors.
    func select(_ index: [IndexComponent]) throws -> Selection {
        var consumed = 0
        var ellipses = 0
        var advanced = 0
        for component in index {
            switch component {
            case .int, .slice: consumed += 1
            case .newAxis: break
            case .ellipsis: ellipses += 1
            case .mask(let m):
                consumed += m.ndim
                advanced += 1
            case .intArray(let a):
                consumed += a.isBool ? a.ndim : 1
                advanced += 1
            }
        }
        if ellipses > 1 {
            throw ADLError.index("an index can only have a single ellipsis ('...')")
        }
        if consumed > ndim {
            throw ADLError.index(
                "too many indices for array: array is \(ndim)-dimensional, but \(consumed) were indexed")
        }
        if advanced > 1 {
            throw ADLError.index(
                "only one advanced index (a boolean mask or an integer array) is supported per indexing")
        }
        let strides = NDArray.contiguousStrides(shape)
        var offset = 0
        var dims: [SelectedDim] = []
        var resultShape: [Int] = []
        var axis = 0
        var pendingError: ADLError? = nil
        /// Where the advanced component's dimension sits: its index in `dims`,
        /// and the range of its axes in `resultShape`.
        var advancedPlacement: (Int, Int, Int)? = nil

        func fullAxis() {
            dims.append(SelectedDim(size: shape[axis], stride: strides[axis], table: nil))
            resultShape.append(shape[axis])
            axis += 1
        }

        for component in index {
            switch component {
            case .int(let i):
                let size = shape[axis]
                let j = i < 0 ? i + size : i
                if j < 0 || j >= size {
                    throw ADLError.index("index \(i) is out of bounds for axis \(axis) with size \(size)")
                }
                offset += j * strides[axis]
                axis += 1
            case let .slice(start, stop, step):
                let b = try NDArray.sliceBounds(start: start, stop: stop, step: step, length: shape[axis])
                if b.count > 0 { offset += b.start * strides[axis] }
                // A step never moves when at most one element is taken (and a
                // huge step times the stride could overflow).
                let step = b.count > 1 ? b.step * strides[axis] : 0
                dims.append(SelectedDim(size: b.count, stride: step, table: nil))
                resultShape.append(b.count)
                axis += 1
            case .newAxis:
                dims.append(SelectedDim(size: 1, stride: 0, table: nil))
                resultShape.append(1)
            case .ellipsis:
                for _ in 0..<(ndim - consumed) { fullAxis() }
            case .mask(let m):
                advancedPlacement = (dims.count, resultShape.count, 1)
                let table = try maskOffsets(m, at: axis, strides: strides)
                dims.append(SelectedDim(size: table.count, stride: 0, table: table))
                resultShape.append(table.count)
                axis += m.ndim
            case .intArray(let a):
                advancedPlacement = (dims.count, resultShape.count, a.isBool ? 1 : a.ndim)
                if a.isBool {
                    let table = try maskOffsets(a, at: axis, strides: strides)
                    dims.append(SelectedDim(size: table.count, stride: 0, table: table))
                    resultShape.append(table.count)
                    axis += a.ndim
                    break
                }
                let size = shape[axis]
                var table = [Int]()
                table.reserveCapacity(a.count)
                for t in 0..<a.count {
                    let v = a.data[t]
                    guard v.isFinite, v == v.rounded(.towardZero), Swift.abs(v) < 9.0e18 else {
                        throw ADLError.index("arrays used as indices must be of integer (or boolean) type")
                    }
                    let i = Int(v)
                    let j = i < 0 ? i + size : i
                    if j < 0 || j >= size {
                        // NumPy checks index arrays while iterating, after the
                        // shapes of an assignment: report it from get/set.
                        if pendingError == nil {
                            pendingError = ADLError.index(
                                "index \(i) is out of bounds for axis \(axis) with size \(size)")
                        }
                        table.append(0)
                        continue
                    }
                    table.append(j * strides[axis])
                }
                // The index array's shape replaces the axis: flatten it into
                // one table dimension, then split the shape for the result.
                dims.append(SelectedDim(size: table.count, stride: 0, table: table))
                resultShape.append(contentsOf: a.shape)
                axis += 1
            }
        }
        while axis < ndim { fullAxis() }
        // NumPy counts integer components as advanced indices too when an
        // array index is present; if they are not all adjacent in the index,
        // the advanced dimensions move to the front of the result.
        if advanced > 0, let (dimIndex, shapeStart, shapeCount) = advancedPlacement,
           !NDArray.advancedIndicesAdjacent(index) {
            let dim = dims.remove(at: dimIndex)
            dims.insert(dim, at: 0)
            let moved = Array(resultShape[shapeStart..<(shapeStart + shapeCount)])
            resultShape.removeSubrange(shapeStart..<(shapeStart + shapeCount))
            resultShape.insert(contentsOf: moved, at: 0)
        }
        // Checked: the integer-array dimensions of an empty array's selection can overflow.
        let count = try NDArray.checkedCount(resultShape)
        return Selection(offset: offset, dims: dims, shape: resultShape, count: count,
                         advanced: advanced > 0,
                         element: advanced == 0 && ellipses == 0 && resultShape.isEmpty,
                         pendingError: pendingError)
    }

    /// True when the integer and array components of an index are consecutive
    /// (NumPy's `consec` test in mapping.c: any other component between two
    /// of them, an empty ellipsis included, breaks adjacency).
    static func advancedIndicesAdjacent(_ index: [IndexComponent]) -> Bool {
        var status = -1  // -1 none yet, 0 inside the run, 1 after the run
        for component in index {
            switch component {
            case .int, .mask, .intArray:
                if status == -1 { status = 0 } else if status == 1 { return false }
            case .slice, .newAxis, .ellipsis:
                if status == 0 { status = 1 }
            }
        }
        return true
    }

    /// The offsets (relative to the current base) of the true elements of a
    /// mask covering axes axis..<axis+mask.ndim, in C order.
    private func maskOffsets(_ mask: NDArray, at axis: Int, strides: [Int]) throws -> [Int] {
        for i in 0..<mask.ndim where mask.shape[i] != shape[axis + i] {
            throw ADLError.index(
                "boolean index did not match indexed array along axis \(axis + i); size of axis is \(shape[axis + i]) but size of corresponding boolean axis is \(mask.shape[i])")
        }
        if mask.ndim == 0 {
            return mask.data[0] != 0 ? [0] : []
        }
        // The masked axes are consecutive axes of a C-order array, so mask
        // element t sits t * (stride of the last masked axis) from the base.
        let step = strides[axis + mask.ndim - 1]
        var table = [Int]()
        table.reserveCapacity(mask.count)
        let m = mask.data
        for t in 0..<mask.count where m[t] != 0 { table.append(t * step) }
        return table
    }

    /// Calls `body(sourceOffset, length, stride)` for each innermost run of the
    /// selection in C order, or `body(offset, table)` style via `tableBody`
    /// when the innermost dimension is a table.
    private static func forEachRun(_ sel: Selection,
                                   strided: (Int, Int, Int) -> Void,
                                   table: (Int, [Int]) -> Void) {
        if sel.count == 0 { return }
        // Drop size-1 strided dims; they never move the offset.
        let dims = sel.dims.filter { !($0.table == nil && $0.size == 1) }
        if dims.isEmpty {
            strided(sel.offset, 1, 1)
            return
        }
        let n = dims.count
        let inner = dims[n - 1]
        var index = [Int](repeating: 0, count: n)
        var offset = sel.offset
        // Start offsets of table dims at their first entry.
        for d in 0..<(n - 1) { if let t = dims[d].table { offset += t[0] } }
        while true {
            if let t = inner.table {
                table(offset, t)
            } else {
                strided(offset, inner.size, inner.stride)
            }
            var d = n - 2
            while d >= 0 {
                let dim = dims[d]
                index[d] += 1
                if let t = dim.table {
                    if index[d] < dim.size {
                        offset += t[index[d]] - t[index[d] - 1]
                        break
                    }
                    offset += t[0] - t[dim.size - 1]
                } else {
                    offset += dim.stride
                    if index[d] < dim.size { break }
                    offset -= dim.stride * dim.size
                }
                index[d] = 0
                d -= 1
            }
            if d < 0 { return }
        }
    }

    /// The mask when `index` is a single bool array of exactly this shape
    /// (`x[x > 0]`), which has a direct loop.
    private func wholeMask(_ index: [IndexComponent]) -> NDArray? {
        guard index.count == 1 else { return nil }
        switch index[0] {
        case .mask(let m), .intArray(let m):
            return m.isBool && m.shape == shape && ndim > 0 ? m : nil
        default:
            return nil
        }
    }

    /// Reads `self[index]` into a fresh array (0-d when every component is an int).
    public func get(_ index: [IndexComponent]) throws -> NDArray {
        if let mask = wholeMask(index) {
            let m = mask.data
            var trues = 0
            for i in 0..<count where m[i] != 0 { trues += 1 }
            let result = try NDArray(uninitializedShape: [trues], isBool: isBool)
            let out = result.data
            var k = 0
            for i in 0..<count where m[i] != 0 {
                out[k] = data[i]
                k += 1
            }
            return result
        }
        let sel = try select(index)
        if let error = sel.pendingError { throw error }
        let result = try NDArray(uninitializedShape: sel.shape, isBool: isBool)
        var out = result.data
        let src = UnsafePointer(data)
        NDArray.forEachRun(sel, strided: { offset, length, stride in
            let p = src + offset
            if stride == 1 {
                out.update(from: p, count: length)
            } else {
                var s = 0
                for i in 0..<length {
                    out[i] = p[s]
                    s += stride
                }
            }
            out += length
        }, table: { offset, table in
            let p = src + offset
            for (i, t) in table.enumerated() { out[i] = p[t] }
            out += table.count
        })
        return result
    }

    /// Writes `value`, broadcast to the selected region, into `self[index]`.
    /// The caller guarantees that `self` is uniquely owned.
    public func set(_ index: [IndexComponent], _ value: NDArray) throws {
        let sel = try select(index)
        var v = value
        if v.shape != sel.shape {
            var vShape = v.shape
            while vShape.count > sel.shape.count, vShape.first == 1 { vShape.removeFirst() }
            let fits = vShape.count <= sel.shape.count && (0..<vShape.count).allSatisfy {
                vShape[$0] == 1 || vShape[$0] == sel.shape[$0 + sel.shape.count - vShape.count]
            }
            if !fits {
                throw NDArray.assignmentShapeError(value: value.shape, target: sel.shape,
                                                   advanced: sel.advanced, element: sel.element)
            }
            if let error = sel.pendingError { throw error }
            if v.count == 1 {
                try set(index, scalar: v.data[0])
                return
            }
            v = try v.reshaped(vShape).broadcast(to: sel.shape)
        } else if v === self {
            v = v.copy()
        }
        if let error = sel.pendingError { throw error }
        let toBool = isBool && !v.isBool
        var src = UnsafePointer(v.data)
        let dst = data
        NDArray.forEachRun(sel, strided: { offset, length, stride in
            let p = dst + offset
            if toBool {
                var s = 0
                for i in 0..<length {
                    p[s] = src[i] != 0 ? 1 : 0
                    s += stride
                }
            } else if stride == 1 {
                p.update(from: src, count: length)
            } else {
                var s = 0
                for i in 0..<length {
                    p[s] = src[i]
                    s += stride
                }
            }
            src += length
        }, table: { offset, table in
            let p = dst + offset
            for (i, t) in table.enumerated() {
                p[t] = toBool ? (src[i] != 0 ? 1 : 0) : src[i]
            }
            src += table.count
        })
    }

    /// Writes one value into every element of `self[index]`.
    public func set(_ index: [IndexComponent], scalar: Double) throws {
        if let mask = wholeMask(index) {
            let v = isBool ? (scalar != 0 ? 1.0 : 0.0) : scalar
            let m = mask.data
            for i in 0..<count where m[i] != 0 { data[i] = v }
            return
        }
        let sel = try select(index)
        if let error = sel.pendingError { throw error }
        let v = isBool ? (scalar != 0 ? 1.0 : 0.0) : scalar
        let dst = data
        NDArray.forEachRun(sel, strided: { offset, length, stride in
            let p = dst + offset
            if stride == 1 {
                p.update(repeating: v, count: length)
            } else {
                var s = 0
                for _ in 0..<length {
                    p[s] = v
                    s += stride
                }
            }
        }, table: { offset, table in
            let p = dst + offset
            for t in table { p[t] = v }
        })
    }

    /// The flat offset of the element at `indices` (one per axis, negative
    /// from the end), with NumPy's errors: a fast path for `x[i, j]`.
    public func flatIndex(_ indices: [Int]) throws -> Int {
        if indices.count > ndim {
            throw ADLError.index(
                "too many indices for array: array is \(ndim)-dimensional, but \(indices.count) were indexed")
        }
        if indices.count < ndim {
            throw ADLError.index("an element access needs \(ndim) indices, got \(indices.count)")
        }
        var offset = 0
        for axis in 0..<ndim {
            let size = shape[axis]
            let i = indices[axis]
            let j = i < 0 ? i + size : i
            if j < 0 || j >= size {
                throw ADLError.index("index \(i) is out of bounds for axis \(axis) with size \(size)")
            }
            offset = offset * size + j
        }
        return offset
    }
}
