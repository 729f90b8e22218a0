// Indexing: random index expressions compared with NumPy (results, writes
// and error messages from Fixtures/indexing.jsonl), plus hand-made cases.

import XCTest
@testable import ADL

final class ArrayIndexingTests: XCTestCase {
    private func decodeIndex(_ json: [Any]) throws -> [NDArray.IndexComponent] {
        try json.map { item in
            guard let parts = item as? [Any], let kind = parts.first as? String else {
                throw ADLError.io("bad index component \(item)")
            }
            switch kind {
            case "i": return .int(parts[1] as? Int ?? 0)
            case "s": return .slice(start: parts[1] as? Int, stop: parts[2] as? Int, step: parts[3] as? Int)
            case "n": return .newAxis
            case "e": return .ellipsis
            case "a":
                let shape = parts[1] as? [Int] ?? []
                let values = (parts[2] as? [String] ?? []).map { Double($0) ?? .nan }
                return .intArray(try NDArray(shape: shape, values: values))
            default:
                let shape = parts[1] as? [Int] ?? []
                let values = (parts[2] as? [Bool] ?? []).map { $0 ? 1.0 : 0.0 }
                return .mask(try NDArray(shape: shape, values: values, isBool: true))
            }
        }
    }

    func testRandomIndexingMatchesNumPy() throws {
        let records = try loadJSONLinesFixture("indexing.jsonl")
        XCTAssertGreaterThan(records.count, 300)
        for r in records {
            let shape = r["shape"] as? [Int] ?? []
            let x = try NDArray.arange(start: 0, stop: Double(shape.reduce(1, *)), step: 1).reshaped(shape)
            let index = try decodeIndex(r["index"] as? [Any] ?? [])
            let label = "x\(shape)[\(r["index"] ?? "")]"
            do {
                let got = try x.get(index)
                if let message = r["error"] as? String {
                    XCTFail("\(label): expected error \(message), got \(got.shape)")
                } else {
                    XCTAssertEqual(got.shape, r["outshape"] as? [Int], label)
                    XCTAssertEqual(got.values, r["out"] as? [Double], label)
                }
            } catch let error as ADLError {
                XCTAssertEqual(error.message, r["error"] as? String, label)
            }
            // Assignment.
            let y = x.copy()
            let valueSpec = r["value"] as? [String: Any] ?? [:]
            let value = try NDArray(shape: valueSpec["shape"] as? [Int] ?? [],
                                    values: valueSpec["values"] as? [Double] ?? [])
            do {
                try y.set(index, value)
                if let message = r["seterror"] as? String {
                    XCTFail("\(label) = \(value.shape): expected error \(message)")
                } else {
                    XCTAssertEqual(y.values, r["after"] as? [Double], "\(label) = \(value.shape)")
                }
            } catch let error as ADLError {
                XCTAssertEqual(error.message, r["seterror"] as? String, "\(label) = \(value.shape)")
            }
        }
    }

    func testBasicIndexing() throws {
        let x = try NDArray.arange(start: 0, stop: 12, step: 1).reshaped([3, 4])
        XCTAssertEqual(try x.get([.int(1)]).values, [4, 5, 6, 7])
        XCTAssertEqual(try x.get([.int(-1), .int(-1)]).shape, [])
        XCTAssertEqual(try x.get([.int(-1), .int(-1)]).values, [11])
        XCTAssertEqual(try x.get([.ellipsis, .int(0)]).values, [0, 4, 8])
        XCTAssertEqual(try x.get([.slice(start: nil, stop: nil, step: -1), .int(0)]).values, [8, 4, 0])
        XCTAssertEqual(try x.get([.slice(start: 5, stop: nil, step: nil)]).shape, [0, 4])
        XCTAssertEqual(try x.get([.newAxis, .int(0), .newAxis]).shape, [1, 1, 4])
        XCTAssertThrowsError(try x.get([.int(3)])) { error in
            XCTAssertEqual((error as? ADLError)?.message, "index 3 is out of bounds for axis 0 with size 3")
            XCTAssertEqual((error as? ADLError)?.kind, .index)
        }
        XCTAssertThrowsError(try x.get([.slice(start: nil, stop: nil, step: 0)])) { error in
            XCTAssertEqual((error as? ADLError)?.kind, .value)
        }
        XCTAssertEqual(try x.flatIndex([-1, 2]), 10)
        XCTAssertThrowsError(try x.flatIndex([0, 4]))
    }

    func testAdvancedIndexing() throws {
        let x = try NDArray.arange(start: 0, stop: 6, step: 1)
        let mask = NDArray.binary(.gt, x, scalar: 2, scalarOnLeft: false)
        XCTAssertEqual(try x.get([.mask(mask)]).values, [3, 4, 5])
        let m = try NDArray.arange(start: 0, stop: 6, step: 1).reshaped([2, 3])
        let mask2 = NDArray.binary(.ge, m, scalar: 2, scalarOnLeft: false)
        XCTAssertEqual(try m.get([.mask(mask2)]).values, [2, 3, 4, 5])
        let idx = try NDArray(shape: [2, 2], values: [2, 0, -1, 1])
        let picked = try m.get([.slice(start: nil, stop: nil, step: nil), .intArray(idx)])
        XCTAssertEqual(picked.shape, [2, 2, 2])
        XCTAssertEqual(picked.values, [2, 0, 2, 1, 5, 3, 5, 4])
        XCTAssertThrowsError(try x.get([.intArray(NDArray(shape: [1], values: [1.5]))])) { error in
            XCTAssertEqual((error as? ADLError)?.message,
                           "arrays used as indices must be of integer (or boolean) type")
        }
        // Writes through a mask and an index array; duplicates: the last wins.
        let y = x.copy()
        try y.set([.mask(mask)], scalar: 0)
        XCTAssertEqual(y.values, [0, 1, 2, 0, 0, 0])
        try y.set([.intArray(NDArray(shape: [3], values: [1, 1, 2]))],
                  NDArray(shape: [3], values: [7, 8, 9]))
        XCTAssertEqual(y.values, [0, 8, 9, 0, 0, 0])
    }

    func testWritesBroadcastAndConvertToBool() throws {
        let x = try NDArray(shape: [2, 3])
        try x.set([.int(0)], NDArray(shape: [3], values: [1, 2, 3]))
        try x.set([.int(1)], NDArray(shape: [1, 1], values: [9]))
        XCTAssertEqual(x.values, [1, 2, 3, 9, 9, 9])
        XCTAssertThrowsError(try x.set([.slice(start: 0, stop: 2, step: nil), .int(0)],
                                       NDArray(shape: [3], values: [1, 2, 3]))) { error in
            XCTAssertEqual((error as? ADLError)?.message,
                           "could not broadcast input array from shape (3,) into shape (2,)")
        }
        let b = try NDArray(shape: [3], isBool: true)
        try b.set([.int(1)], scalar: 2.5)
        try b.set([.int(2)], NDArray(shape: [], values: [-.nan]))
        XCTAssertEqual(b.values, [0, 1, 1])
        // Writing an array into itself (overlapping) reads the old values.
        let s = try NDArray(shape: [4], values: [1, 2, 3, 4])
        try s.set([.slice(start: nil, stop: nil, step: -1)], s)
        XCTAssertEqual(s.values, [4, 3, 2, 1])
    }
}
