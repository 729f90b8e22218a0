// Array creation: zeros, full, eye, arange, linspace and stack, each with
// NumPy's arithmetic so the values agree bit for bit.

extension NDArray {
    /// An array of zeros.
    public static func zeros(_ shape: [Int]) throws -> NDArray {
        try NDArray(shape: shape)
    }

    /// An array filled with `value` (stored as 0/1 when `isBool`).
    public static func full(_ shape: [Int], _ value: Double, isBool: Bool = false) throws -> NDArray {
        let result = try NDArray(uninitializedShape: shape, isBool: isBool)
        let v = isBool ? (value != 0 ? 1.0 : 0.0) : value
        result.data.update(repeating: v, count: result.count)
        return result
    }

    /// A 2-d array with ones on the k-th diagonal (`np.eye(n, m, k)`).
    public static func eye(_ n: Int, _ m: Int?, k: Int) throws -> NDArray {
        let cols = m ?? n
        let result = try NDArray(shape: [n, cols])
        // Rows i with 0 <= i + k < cols (k compared first, so no overflow).
        if n > 0 && cols > 0 && k < cols && k > -n {
            var i = Swift.max(0, -k)
            while i < n && i + k < cols {
                result.data[i * cols + i + k] = 1
                i += 1
            }
        }
        return result
    }

    /// `np.arange(start, stop, step)` for float64: length ceil((stop-start)/step),
    /// element i = start + i*delta where delta = (start+step) - start, as
    /// NumPy's fill loop computes it.
    public static func arange(start: Double, stop: Double, step: Double) throws -> NDArray {
        if step == 0 {
            throw ADLError(.zeroDivision, "division by zero")
        }
        let delta = stop - start
        let tmp = delta / step
        let length: Int
        if tmp == 0 && delta != 0 {
            length = tmp.sign == .minus ? 0 : 1
        } else {
            let c = tmp.rounded(.up)
            if c.isNaN {
                throw ADLError.value("arange: cannot compute length")
            }
            if c >= 9.2e18 || c <= -9.2e18 {
                throw ADLError.value("Maximum allowed size exceeded")
            }
            length = Swift.max(0, Int(c))
        }
        let result = try NDArray(uninitializedShape: [length])
        if length > 0 { result.data[0] = start }
        if length > 1 {
            let next = start + step
            result.data[1] = next
            let d = next - start
            for i in 2..<length { result.data[i] = start + Double(i) * d }
        }
        return result
    }

    /// `np.linspace(start, stop, num, endpoint)` with NumPy's formula:
    /// y = i*step + start (step = (stop-start)/div), the last = stop with endpoint.
    public static func linspace(_ start: Double, _ stop: Double, num: Int, endpoint: Bool) throws -> NDArray {
        if num < 0 {
            throw ADLError.value("Number of samples, \(num), must be non-negative.")
        }
        let div = endpoint ? num - 1 : num
        let delta = stop - start
        let result = try NDArray(uninitializedShape: [num])
        let y = result.data
        for i in 0..<num { y[i] = Double(i) }
        if div > 0 {
            let step = delta / Double(div)
            if step == 0 {
                for i in 0..<num { y[i] = (y[i] / Double(div)) * delta }
            } else {
                for i in 0..<num { y[i] *= step }
            }
        } else {
            for i in 0..<num { y[i] *= delta }
        }
        for i in 0..<num { y[i] += start }
        if endpoint && num > 1 { y[num - 1] = stop }
        return result
    }

    /// Stacks equal-shape arrays along a new first axis (list displays
    /// `[a, b]`). The result is bool only when every item is.
    public static func stack(_ items: [NDArray]) throws -> NDArray {
        guard let first = items.first else {
            return try NDArray(shape: [0])
        }
        for item in items where item.shape != first.shape {
            // The common leading shape NumPy detected before the ragged part.
            var common: [Int] = []
            var axis = 0
            while items.allSatisfy({ $0.ndim > axis && $0.shape[axis] == first.shape[axis] }) {
                common.append(first.shape[axis])
                axis += 1
            }
            let detected = [items.count] + common
            throw ADLError.shape(
                "setting an array element with a sequence. The requested array has an inhomogeneous shape after \(detected.count) dimensions. The detected shape was \(formatShape(detected)) + inhomogeneous part.")
        }
        let isBool = items.allSatisfy { $0.isBool }
        let result = try NDArray(uninitializedShape: [items.count] + first.shape, isBool: isBool)
        let n = first.count
        if n == 0 { return result }
        for (i, item) in items.enumerated() {
            (result.data + i * n).update(from: item.data, count: n)
        }
        return result
    }
}
