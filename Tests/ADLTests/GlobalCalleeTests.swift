// Calls whose callee is a global function pushed borrowed (LOAD_GLOBAL with B = 1, see
// OpCode.loadGlobal): rebinding the global many times while frames run it, gradients
// through such calls (tracing takes the ordinary, counted path), and the recursion limit
// on the general CALL path. Expected values are CPython's or the analytic derivative;
// golden scripts functions/global_callee_calls and errors/global_callee_* cover the rest.

import XCTest
@testable import ADL

final class GlobalCalleeTests: XCTestCase {
    func testRebindingWhileCallsBorrowTheFunction() throws {
        // More rebindings than Globals' retired limit, each while `g`'s frame calls `h`.
        XCTAssertEqual(try TestPrograms.run("""
        def g(n, k):
            return h(n - 1, k) + h(n, k)
        total = 0
        for i in range(600):
            def h(x, k):
                return x * k
            total = total + g(i, 2)
            del h
            def h(x, k):
                return x * k + 1
            total = total + g(i, 3)
        print(total)
        """), "1795200\n")
    }

    func testGradientThroughGlobalCalls() throws {
        // d/dx (sq(x) + sq(2x) + cube(x, 1.0)) = 2x + 8x + 3x^2 = 30 + 27 at x = 3.
        XCTAssertEqual(try TestPrograms.run("""
        def sq(x):
            return x * x
        def cube(x, c):
            return c * x * sq(x)
        def f(x):
            return sq(x) + sq(2.0 * x) + cube(x, c=1.0)
        print(grad(f)(3.0), f(3.0))
        """), "57.0 72.0\n")
    }

    func testRecursionLimitOnTheGeneralCall() throws {
        let error = TestPrograms.failure("def r(n, k):\n    return r(n + k, k)\nr(0, 1)")
        XCTAssertEqual(error?.kind, .recursion)
        XCTAssertEqual(error?.message, "maximum recursion depth exceeded (limit 1000)")
        XCTAssertEqual(error?.location?.line, 2)
    }
}
