// Fused elementwise chains (FUSED_CHAIN, Arrays/Fusion): that the compiler and
// the gradient lowering make them where they should and not elsewhere, that
// the fused path is really taken (FusedKernel.runCount), and that what it does
// not handle falls through to the unfused code with the same results and
// errors. Expected numbers are NumPy's and autograd's.

import XCTest
@testable import ADL

final class ChainFusionTests: XCTestCase {
    func run(_ source: String) throws -> String { try TestPrograms.run(source) }

    let rosen = """
    def rosen(x):
        return sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
    x = array([1.3, 0.7, 0.8, 1.9, 1.2])

    """

    func testSlicedAndSummedChainsFuse() throws {
        let listing = try run(rosen + """
        def diff(x):
            return x[1:] - x[:-1] * 2
        def plain(a, b):
            return a * b + a - b / 2
        dis(rosen)
        dis(diff)
        dis(plain)
        """)
        XCTAssertTrue(listing.contains("FUSED_CHAIN           0 30 (sum of 14 steps over 2 inputs, to 30)"), listing)
        XCTAssertTrue(listing.contains("FUSED_CHAIN           0 15 (5 steps over 2 inputs, to 15)"), listing)
        // Scalar-looking code (no slice, no sum) keeps its plain instructions.
        let plain = listing.components(separatedBy: "function plain").last ?? ""
        XCTAssertFalse(plain.contains("FUSED_CHAIN"), listing)
    }

    func testForwardFusedPathIsTakenAndExact() throws {
        let before = FusedKernel.runCount
        let out = try run(rosen + "print(repr(rosen(x)))\nprint(x[1:] - x[:-1] * 2)")
        XCTAssertEqual(out, "848.22\n[-1.9 -0.6  0.3 -2.6]\n")
        XCTAssertEqual(FusedKernel.runCount - before, 2)
    }

    func testUnhandledInputsFallThrough() throws {
        let before = FusedKernel.runCount
        // A bool array, a 2-d array under a slice, numbers: the unfused code runs
        // (NumPy: 3 for the bools, ADL's float 3.0 as SPEC §13 says; 9.0; 8.0).
        let out = try run("""
        def f(x):
            return sum(x[1:] * 2 + x[:-1])
        print(f(array([True, False, True])), f(ones((2, 3))))
        a = 2.0
        print(sum(a * 3 + a))
        """)
        XCTAssertEqual(out, "3.0 9.0\n8.0\n")
        XCTAssertEqual(FusedKernel.runCount, before)
    }

    func testErrorsAreTheUnfusedOnes() throws {
        let shapes = TestPrograms.failure("x = ones(4)\ny = x[1:] + x * 2\n")
        XCTAssertEqual(shapes?.message, "operands could not be broadcast together with shapes (3,) (4,)")
        XCTAssertEqual(shapes?.location?.line, 2)
        let name = TestPrograms.failure("def f(x):\n    return sum(x[1:] - q)\nf(ones(3))\n")
        XCTAssertEqual(name?.message, "name 'q' is not defined")
        let type = TestPrograms.failure("s = 'abc'\nprint(sum(s[1:] * 2 - 1))\n")
        XCTAssertEqual(type?.kind, .type)
    }

    func testFusedChainPollsTheInterrupt() throws {
        // A builtin's loop over calls of a fused function (checkgrad here) has no LOOP
        // instruction to poll Ctrl-C: the fused chain polls it, as the `sum` call it replaces does.
        let error = TestPrograms.failure("x = ones((300, 300))\ncheckgrad(lambda v: sum(v ** 2 + 1), x)\n", ctrlCAfter: 0.2)
        XCTAssertEqual(error?.kind, .interrupt)
    }

    func testGradientChainIsOneFusedProgram() throws {
        let listing = try run(rosen + "dis(grad(rosen), x)")
        XCTAssertTrue(listing.contains("FUSED_CHAIN           0 56 (24 steps over 1 input, to 56)"), listing)
        let before = FusedKernel.runCount
        // The first call traces; the second runs the lowered (fused) code.
        let out = try run(rosen + "g = grad(rosen)\nprint(g(x).tolist())\nprint(g(x).tolist())")
        let autograd = "[515.4000000000002, -285.4000000000001, -341.5999999999999, 2085.3999999999996, -482.0]"
        XCTAssertEqual(out, autograd + "\n" + autograd + "\n")
        XCTAssertEqual(FusedKernel.runCount - before, 1)
    }

    func testTracedGradientCodeFallsBack() throws {
        // hessian traces the gradient's code: the fused instruction must step aside so every
        // operation is recorded (the result is autograd's; see differential program 1761).
        let out = try run(rosen + "h = hessian(rosen)\n_ = h(x)\nprint(h(x)[0])")
        XCTAssertEqual(out, "[1750. -520.    0.    0.    0.]\n")
    }
}
