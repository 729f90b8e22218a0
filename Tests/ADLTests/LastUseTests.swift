// Last uses in compiled gradient code (Autodiff/Lowering+Moves.swift): the last
// load of an array temporary becomes LOAD_LOCAL_MOVE, and nothing reads the slot
// after it. The values themselves are checked against autograd by differential
// program 1770 (and every gradient program whose gradient is called twice).

import XCTest
@testable import ADL

final class LastUseTests: XCTestCase {
    /// (offset, mnemonic, slot) of each instruction of a `dis` listing.
    func instructions(_ listing: String) -> [(Int, String, Int?)] {
        listing.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            // "3    0    LOAD_LOCAL  0 (x)" or "     1    STORE_LOCAL  0 (s)": offset, then mnemonic.
            guard let m = words.firstIndex(where: { $0.first?.isUppercase == true && $0.count > 2 }), m >= 1,
                  let offset = Int(words[m - 1]) else { return nil }
            let operand = m + 1 < words.count ? Int(words[m + 1]) : nil
            return (offset, String(words[m]), operand)
        }
    }

    func testLastLoadOfEachArrayTemporaryMovesAndNothingReadsItAfter() throws {
        let listing = try TestPrograms.run("""
        def f(x, y):
            t = exp(x) * y
            u = t @ t
            return u + sum(t * t) + sum(t[1:] - t[:-1]) * u
        x = array([0.5, -1.0, 2.0])
        y = array([1.0, 2.0, 3.0])
        g = grad(f, argnums=(0, 1))
        g(x, y)
        g(x, y)
        dis(g, x, y)
        """)
        let code = instructions(listing)
        let moves = code.enumerated().filter { $0.element.1 == "LOAD_LOCAL_MOVE" }
        XCTAssertFalse(moves.isEmpty, listing)
        for (i, move) in moves {
            let slot = move.2
            for later in code[(i + 1)...] where later.1 == "LOAD_LOCAL" || later.1 == "LOAD_LOCAL_MOVE" {
                XCTAssertNotEqual(later.2, slot, "slot \(String(describing: slot)) read at \(later.0) after its move at \(move.0)\n\(listing)")
            }
        }
        // Ordinary compiled functions keep plain loads and calls.
        let plain = try TestPrograms.run("""
        def h(a):
            b = a * 2
            return b + b
        dis(h)
        """)
        XCTAssertFalse(plain.contains("LOAD_LOCAL_MOVE"), plain)
    }

    func testElementReadGradientsAddInPlaceAndLeaveTheirConstantsAlone() throws {
        // d/dx of (1 - x0)^2 + 100 (x1 - x0^2)^2 at (0.5, 0.5): (-51, 50), worked out by hand.
        let out = try TestPrograms.run("""
        def f(x):
            return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
        g = grad(f)
        x = array([0.5, 0.5])
        print(g(x), g(x), g(x), x)
        dis(g, x)
        """)
        XCTAssertTrue(out.hasPrefix("[-51.  50.] [-51.  50.] [-51.  50.] [0.5 0.5]\n"), out)
        // Both scatters are INDEX_ADD; the first starts from the zeros constant (shared, so
        // it takes the copying CALL path), the second from the first's moved result.
        XCTAssertEqual(instructions(out).filter { $0.1 == "INDEX_ADD" }.count, 2, out)
    }
}
