// Unit tests of the generator and the file formats under the random and I/O
// builtins. The builtins themselves are checked against NumPy by the
// differential programs 200-240 and Tests/differential/npy_roundtrip.py.

import XCTest
@testable import ADL

final class RandomIOTests: XCTestCase {
    /// The reference outputs of Matsumoto and Nishimura's mt19937ar.c (mt19937ar.out).
    func testMersenneTwisterMatchesTheReferenceImplementation() {
        let byArray = MersenneTwister(words: [0x123, 0x234, 0x345, 0x456])
        XCTAssertEqual((0..<5).map { _ in byArray.next32() }, [1_067_595_299, 955_945_823, 477_289_528, 4_107_218_783, 4_228_976_476])
        let byInt = MersenneTwister(seed: 5489)  // the C++ std::mt19937 default seed
        var last: UInt32 = 0
        for _ in 0..<10_000 { last = byInt.next32() }
        XCTAssertEqual(last, 4_123_659_995)  // the 10000th output, as the C++ standard requires
    }

    func testGaussCacheIsClearedBySeeding() {
        let state = RandomState()
        state.seed(1)
        let first = state.nextGauss()
        _ = state.nextGauss()
        state.seed(1)
        XCTAssertEqual(state.nextGauss(), first)
        state.seed(1)
        _ = state.nextGauss()       // leaves the pair's second deviate cached
        state.seed(1)               // which seeding discards
        XCTAssertEqual(state.nextGauss(), first)
    }

    func testHalfPrecisionDecoding() {
        XCTAssertEqual(NpyFormat.halfToDouble(0x3C00), 1.0)
        XCTAssertEqual(NpyFormat.halfToDouble(0xC000), -2.0)
        XCTAssertEqual(NpyFormat.halfToDouble(0x7BFF), 65504.0)
        XCTAssertEqual(NpyFormat.halfToDouble(0x0001), 0x1p-24)
        XCTAssertEqual(NpyFormat.halfToDouble(0x8000).sign, .minus)
        XCTAssertEqual(NpyFormat.halfToDouble(0x7C00), .infinity)
        XCTAssertTrue(NpyFormat.halfToDouble(0x7E00).isNaN)
    }

    func testNpyEncodingRoundTripsAndPadsTo64Bytes() throws {
        let a = try NDArray(shape: [2, 3], values: [1, -2, 3.5, .infinity, -0.0, 1e-310])
        let bytes = NpyFormat.encode(a)
        let dataStart = bytes.count - 6 * 8
        XCTAssertEqual(dataStart % 64, 0)
        XCTAssertEqual(bytes[dataStart - 1], 0x0A)
        let back = try NpyFormat.decode(bytes)
        XCTAssertEqual(back.shape, [2, 3])
        XCTAssertEqual(back.values.map(\.bitPattern), a.values.map(\.bitPattern))
    }

    func testEveryTruncationOfANpyFileIsAnErrorNotATrap() throws {
        let bytes = NpyFormat.encode(try NDArray(shape: [3], values: [1, 2, 3]))
        for n in 0..<bytes.count {
            XCTAssertThrowsError(try NpyFormat.decode(Array(bytes.prefix(n))), "prefix of \(n) bytes")
        }
    }

    func testHeaderLiteralParser() throws {
        var parser = LiteralParser("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }  \n")
        guard case .dict(let entries) = try parser.parseTop() else { return XCTFail("not a dict") }
        XCTAssertEqual(entries.map(\.0), ["descr", "fortran_order", "shape"])
        XCTAssertEqual(entries[2].1.text, "(2, 3)")
        for bad in ["{'a': 1", "{'a' 1}", "(1,,)", "'open", "{1: 2}", String(repeating: "(", count: 200)] {
            var p = LiteralParser(bad)
            XCTAssertThrowsError(try p.parseTop(), bad)
        }
    }

    func testPercentFormatFollowsPython() throws {
        func format(_ f: String, _ row: [Double]) throws -> String? { try PercentFormat(f).apply(row, isBool: false) }
        XCTAssertEqual(try format("%.3f,%d|%s", [1.5, -2.7, 0.1]), "1.500,-2|0.1")
        XCTAssertEqual(try format("%08.2f", [.infinity]), "00000inf")
        XCTAssertEqual(try format("%+.2e %%", [12345.678]), "+1.23e+04 %")
        XCTAssertNil(try format("%d %d", [1]))      // not enough arguments: a TypeError
        XCTAssertNil(try format("%x", [1]))         // %x of a float: a TypeError
        XCTAssertThrowsError(try format("%d", [.nan]))
        XCTAssertThrowsError(try PercentFormat("%q"))
        XCTAssertThrowsError(try PercentFormat("%5"))
    }
}
