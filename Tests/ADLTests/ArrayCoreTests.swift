// NDArray construction, shapes, reductions' API, products, creation and the
// allocation limit.

import XCTest
@testable import ADL

final class ArrayCoreTests: XCTestCase {
    private func message(_ body: () throws -> Any) -> String? {
        do {
            _ = try body()
            return nil
        } catch let error as ADLError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    func testConstructionAndLimits() throws {
        let a = try NDArray(shape: [2, 3])
        XCTAssertEqual(a.count, 6)
        XCTAssertEqual(a.ndim, 2)
        XCTAssertEqual(a.values, [0, 0, 0, 0, 0, 0])
        XCTAssertEqual(message { try NDArray(shape: [2, -1]) }, "negative dimensions are not allowed")
        XCTAssertEqual(try NDArray(shape: [0, 5]).count, 0)
        XCTAssertEqual(try NDArray(shape: []).count, 1)
        let saved = NDArray.maxElements
        NDArray.maxElements = 100
        defer { NDArray.maxElements = saved }
        XCTAssertEqual(message { try NDArray(shape: [11, 10]) },
                       "array of 110 elements exceeds the allocation limit of 100 elements")
        XCTAssertThrowsError(try NDArray(shape: [Int.max, 4])) { error in
            XCTAssertEqual((error as? ADLError)?.kind, .memory)
        }
        XCTAssertThrowsError(try NDArray.binary(.add, NDArray(shape: [10, 1]), NDArray(shape: [11])))
        XCTAssertThrowsError(try NDArray.arange(start: 0, stop: 1000, step: 1))
    }

    func testReshapeAndTranspose() throws {
        let a = try NDArray.arange(start: 0, stop: 6, step: 1)
        XCTAssertEqual(try a.reshaped([2, -1]).shape, [2, 3])
        XCTAssertEqual(message { try a.reshaped([4]) }, "cannot reshape array of size 6 into shape (4,)")
        XCTAssertEqual(message { try a.reshaped([4, -1]) }, "cannot reshape array of size 6 into shape (4,newaxis)")
        XCTAssertEqual(message { try a.reshaped([-1, -1]) }, "can only specify one unknown dimension")
        let m = try a.reshaped([2, 3])
        let t = m.transposed()
        XCTAssertEqual(t.shape, [3, 2])
        XCTAssertEqual(t.values, [0, 3, 1, 4, 2, 5])
        let c = try NDArray.arange(start: 0, stop: 24, step: 1).reshaped([2, 3, 4])
        let ct = c.transposed()
        XCTAssertEqual(ct.shape, [4, 3, 2])
        XCTAssertEqual(ct.values[1], 12)
        XCTAssertEqual(ct.values[23], 23)
        XCTAssertEqual(try c.permuted([1, 0, 2]).get([.int(1), .int(0)]).values, [4, 5, 6, 7])
        XCTAssertEqual(message { try c.permuted([0, 0, 1]) }, "repeated axis in transpose")
    }

    func testReductionsAPI() throws {
        let m = try NDArray(shape: [2, 3], values: [1, 5, 3, 4, 2, 6])
        XCTAssertEqual(try m.reduce(.sum, axes: nil, keepdims: false).values, [21])
        XCTAssertEqual(try m.reduce(.sum, axes: nil, keepdims: false).shape, [])
        XCTAssertEqual(try m.reduce(.sum, axes: [0], keepdims: true).shape, [1, 3])
        XCTAssertEqual(try m.reduce(.max, axes: [-1], keepdims: false).values, [5, 6])
        XCTAssertEqual(try m.reduce(.min, axes: [0, 1], keepdims: true).shape, [1, 1])
        XCTAssertEqual(try m.reduce(.mean, axes: [1], keepdims: false).values, [3, 4])
        XCTAssertEqual(try m.reduce(.prod, axes: [0], keepdims: false).values, [4, 10, 18])
        XCTAssertEqual(message { try m.reduce(.sum, axes: [2], keepdims: false) },
                       "axis 2 is out of bounds for array of dimension 2")
        XCTAssertEqual(message { try m.reduce(.sum, axes: [0, -2], keepdims: false) },
                       "duplicate value in 'axis'")
        let empty = try NDArray(shape: [0])
        XCTAssertEqual(message { try empty.reduce(.max, axes: nil, keepdims: false) },
                       "zero-size array to reduction operation maximum which has no identity")
        XCTAssertEqual(message { try empty.reduce(.min, axes: nil, keepdims: false) },
                       "zero-size array to reduction operation minimum which has no identity")
        XCTAssertTrue(try empty.reduce(.mean, axes: nil, keepdims: false).values[0].isNaN)
        XCTAssertEqual(try empty.reduce(.sum, axes: nil, keepdims: false).values, [0])
        XCTAssertEqual(try empty.reduce(.prod, axes: nil, keepdims: false).values, [1])
        let withNaN = try NDArray(shape: [3], values: [1, .nan, 3])
        XCTAssertTrue(try withNaN.reduce(.max, axes: nil, keepdims: false).values[0].isNaN)
        XCTAssertTrue(try withNaN.reduce(.min, axes: nil, keepdims: false).values[0].isNaN)
        // Tied zeros: the last one wins, as in NumPy.
        let zeros = try NDArray(shape: [2], values: [0.0, -0.0])
        XCTAssertEqual(try zeros.reduce(.max, axes: nil, keepdims: false).values[0].sign, .minus)
        XCTAssertEqual(try zeros.reduce(.min, axes: nil, keepdims: false).values[0].sign, .minus)
        let zeros2 = try NDArray(shape: [2], values: [-0.0, 0.0])
        XCTAssertEqual(try zeros2.reduce(.max, axes: nil, keepdims: false).values[0].sign, .plus)
        let mask = try NDArray(shape: [4], values: [1, 0, 1, 1], isBool: true)
        let count = try mask.reduce(.sum, axes: nil, keepdims: false)
        XCTAssertEqual(count.values, [3])
        XCTAssertFalse(count.isBool)
        let any = try mask.reduce(.any, axes: nil, keepdims: false)
        XCTAssertTrue(any.isBool)
        XCTAssertEqual(any.values, [1])
        XCTAssertEqual(try mask.reduce(.all, axes: nil, keepdims: false).values, [0])
        XCTAssertEqual(try m.reduce(.any, axes: [0], keepdims: false).values, [1, 1, 1])
        // A (2,0) array reduced along the empty axis.
        let e2 = try NDArray(shape: [2, 0])
        XCTAssertEqual(try e2.reduce(.sum, axes: [1], keepdims: false).values, [0, 0])
        XCTAssertEqual(try e2.reduce(.max, axes: [0], keepdims: false).shape, [0])
        XCTAssertThrowsError(try e2.reduce(.max, axes: [1], keepdims: false))
    }

    func testArgReduce() throws {
        let m = try NDArray(shape: [2, 3], values: [1, 7, 7, 9, 0, 9])
        XCTAssertEqual(try m.argReduce(max: true, axis: nil).values, [3])
        XCTAssertEqual(try m.argReduce(max: true, axis: nil).shape, [])
        XCTAssertEqual(try m.argReduce(max: false, axis: nil).values, [4])
        XCTAssertEqual(try m.argReduce(max: true, axis: 0).values, [1, 0, 1])
        XCTAssertEqual(try m.argReduce(max: true, axis: -1).values, [1, 0])
        let n = try NDArray(shape: [4], values: [1, .nan, 5, .nan])
        XCTAssertEqual(try n.argReduce(max: true, axis: nil).values, [1])
        XCTAssertEqual(try n.argReduce(max: false, axis: nil).values, [1])
        XCTAssertEqual(message { try NDArray(shape: [0]).argReduce(max: true, axis: nil) },
                       "attempt to get argmax of an empty sequence")
        XCTAssertEqual(message { try m.argReduce(max: true, axis: 2) },
                       "axis 2 is out of bounds for array of dimension 2")
    }

    func testMatmulAndDot() throws {
        let a = try NDArray(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let b = try NDArray(shape: [3, 2], values: [7, 8, 9, 10, 11, 12])
        let v = try NDArray(shape: [3], values: [1, 0, -1])
        let w = try NDArray(shape: [2], values: [2, 3])
        XCTAssertEqual(try NDArray.matmul(a, b).values, [58, 64, 139, 154])
        XCTAssertEqual(try NDArray.matmul(a, v).values, [-2, -2])
        XCTAssertEqual(try NDArray.matmul(a, v).shape, [2])
        XCTAssertEqual(try NDArray.matmul(w, a).values, [14, 19, 24])
        XCTAssertEqual(try NDArray.matmul(v, v).values, [2])
        XCTAssertEqual(try NDArray.matmul(v, v).shape, [])
        XCTAssertEqual(message { try NDArray.matmul(a, w) },
                       "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size 2 is different from 3)")
        XCTAssertEqual(message { try NDArray.matmul(a, NDArray(shape: [])) },
                       "matmul: Input operand 1 does not have enough dimensions (has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)")
        // Batched with broadcast batch dims: (2,1,2,3) @ (3,3,2) -> (2,3,2,2).
        let batchA = try NDArray.arange(start: 0, stop: 12, step: 1).reshaped([2, 1, 2, 3])
        let batchB = try NDArray.arange(start: 0, stop: 18, step: 1).reshaped([3, 3, 2])
        let c = try NDArray.matmul(batchA, batchB)
        XCTAssertEqual(c.shape, [2, 3, 2, 2])
        let expected = try NDArray.matmul(batchA.get([.int(1), .int(0)]), batchB.get([.int(2)]))
        XCTAssertEqual(try c.get([.int(1), .int(2)]).values, expected.values)
        // Empty inner dimension gives zeros.
        XCTAssertEqual(try NDArray.matmul(NDArray(shape: [2, 0]), NDArray(shape: [0, 2])).values, [0, 0, 0, 0])
        // dot
        XCTAssertEqual(try NDArray.dot(a, b).values, [58, 64, 139, 154])
        XCTAssertEqual(try NDArray.dot(v, v).values, [2])
        XCTAssertEqual(try NDArray.dot(a, NDArray(shape: [], values: [2])).values, [2, 4, 6, 8, 10, 12])
        XCTAssertEqual(message { try NDArray.dot(a, w) }, "shapes (2,3) and (2,) not aligned: 3 (dim 1) != 2 (dim 0)")
        let d3 = try NDArray.dot(a, batchB)
        XCTAssertEqual(d3.shape, [2, 3, 2])
        XCTAssertEqual(try d3.get([.slice(start: nil, stop: nil, step: nil), .int(1)]).values,
                       try NDArray.matmul(a, batchB.get([.int(1)])).values)
        // A larger product against a plain triple loop.
        let x = try NDArray.linspace(-1, 1, num: 35 * 20, endpoint: true).reshaped([35, 20])
        let y = try NDArray.linspace(0, 2, num: 20 * 17, endpoint: true).reshaped([20, 17])
        let p = try NDArray.matmul(x, y)
        for i in 0..<35 {
            for j in 0..<17 {
                var s = 0.0
                for k in 0..<20 { s += x.data[i * 20 + k] * y.data[k * 17 + j] }
                XCTAssertEqual(p.data[i * 17 + j], s, accuracy: 1e-12)
            }
        }
    }

    func testCreation() throws {
        XCTAssertEqual(try NDArray.eye(3, nil, k: 0).values, [1, 0, 0, 0, 1, 0, 0, 0, 1])
        XCTAssertEqual(try NDArray.eye(2, 3, k: 1).values, [0, 1, 0, 0, 0, 1])
        XCTAssertEqual(try NDArray.eye(3, 2, k: -1).values, [0, 0, 1, 0, 0, 1])
        XCTAssertEqual(try NDArray.eye(2, 2, k: 5).values, [0, 0, 0, 0])
        XCTAssertEqual(try NDArray.full([2], 3.5).values, [3.5, 3.5])
        XCTAssertTrue(try NDArray.full([2], 3.5, isBool: true).isBool)
        XCTAssertEqual(try NDArray.full([2], 3.5, isBool: true).values, [1, 1])
        XCTAssertEqual(try NDArray.zeros([3]).values, [0, 0, 0])
        XCTAssertEqual(try NDArray.arange(start: 0, stop: 3, step: 1).values, [0, 1, 2])
        XCTAssertEqual(try NDArray.arange(start: 3, stop: 0, step: 1).shape, [0])
        XCTAssertThrowsError(try NDArray.arange(start: 0, stop: 3, step: 0))
        XCTAssertEqual(message { try NDArray.linspace(0, 1, num: -1, endpoint: true) },
                       "Number of samples, -1, must be non-negative.")
        let s = try NDArray.stack([NDArray(shape: [2], values: [1, 2]), NDArray(shape: [2], values: [3, 4])])
        XCTAssertEqual(s.shape, [2, 2])
        XCTAssertEqual(s.values, [1, 2, 3, 4])
        XCTAssertEqual(try NDArray.stack([]).shape, [0])
        let bools = try NDArray.stack([NDArray(shape: [], values: [1], isBool: true),
                                       NDArray(shape: [], values: [0], isBool: true)])
        XCTAssertTrue(bools.isBool)
        XCTAssertEqual(message { try NDArray.stack([NDArray(shape: [2]), NDArray(shape: [3])]) },
                       "setting an array element with a sequence. The requested array has an inhomogeneous shape after 1 dimensions. The detected shape was (2,) + inhomogeneous part.")
        XCTAssertEqual(message { try NDArray.stack([NDArray(shape: [2, 3]), NDArray(shape: [2, 4])]) },
                       "setting an array element with a sequence. The requested array has an inhomogeneous shape after 2 dimensions. The detected shape was (2, 2) + inhomogeneous part.")
    }
}
