// Entry guards (Compiler/EntryGuard.swift): which functions get one, and that calls
// answered by one stay interruptible, within the recursion limit and identical in
// result to running the callee. Expected values are CPython's for the same programs;
// golden scripts functions/entry_guard_calls and errors/entry_guard_* cover the rest.

import Foundation
import XCTest
@testable import ADL

final class EntryGuardTests: XCTestCase {
    /// The entry guard of global function `name` after running `source`.
    func entryGuard(_ name: String, in source: String) throws -> EntryGuard {
        let vm = VM()
        _ = try TestPrograms.run(source, vm: vm)
        guard case .function(let f)? = vm.globals.value(of: name) else {
            XCTFail("\(name) is not a function")
            return EntryGuard()
        }
        return f.entryGuard
    }

    func testWhichFunctionsHaveAGuard() throws {
        let fib = try entryGuard("fib", in: "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)")
        XCTAssertTrue(fib.exists)
        XCTAssertEqual(fib.op, .less)
        XCTAssertEqual(fib.parameter, 0)
        XCTAssertEqual(fib.returnsParameter, 0)
        XCTAssertEqual(fib.bound.tag, .int)
        XCTAssertEqual(fib.bound.int, 2)

        let fact = try entryGuard("fact", in: "def fact(n):\n    if n <= 1.5:\n        return 1\n    return n * fact(n - 1)")
        XCTAssertTrue(fact.exists)
        XCTAssertEqual(fact.returnsParameter, -1)
        XCTAssertEqual(fact.result.tag, .int)
        XCTAssertEqual(fact.bound.tag, .float)

        let second = try entryGuard("g", in: "def g(a, k):\n    if k == 0:\n        return a\n    return g(a, k - 1)")
        XCTAssertTrue(second.exists)
        XCTAssertEqual(second.parameter, 1)
        XCTAssertEqual(second.returnsParameter, 0)

        let none = try entryGuard("h", in: "def h(n):\n    if n < 0:\n        return\n    return h(n - 1)")
        XCTAssertTrue(none.exists)
        XCTAssertEqual(none.result.tag, .none)

        // Not guards: something before the test, a string result (an object), a local that is
        // not a parameter, a comparison with a non-number, an `if` whose body does more.
        let notGuards = [
            "def f(n):\n    k = 2\n    if n < k:\n        return n\n    return f(n - 1)",
            "def f(n):\n    if n < 2:\n        return \"small\"\n    return f(n - 1)",
            "def f(n):\n    if n < 2:\n        print(n)\n        return n\n    return f(n - 1)",
            "def f(n):\n    if n == \"a\":\n        return n\n    return n",
            "def f(n):\n    if n < 2:\n        n = 3\n    return n",
            "def f(n, m):\n    if n < m:\n        return n\n    return m",
            "def f(n):\n    def inner():\n        return n\n    if n < 2:\n        return n\n    return inner()",
        ]
        for source in notGuards {
            XCTAssertFalse(try entryGuard("f", in: source).exists, source)
        }
    }

    func testGuardedRecursionIsInterruptible() throws {
        // fib(40) takes far longer than the timer: Ctrl-C stops it with an error at a call.
        let error = TestPrograms.failure("def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\nfib(40)", ctrlCAfter: 0.2)
        XCTAssertEqual(error?.kind, .interrupt)
        XCTAssertEqual(error?.location?.line, 4)
        XCTAssertFalse(error?.trace.isEmpty ?? true)
    }

    func testResultsAndReferenceCounts() throws {
        // Objects through the general call's guard: the returned parameter is retained, the
        // others released (a leak or an early free would show in the later uses of `s`).
        XCTAssertEqual(try TestPrograms.run("""
        def pick(s, t, k):
            if k < 1:
                return s
            return pick(s, t, k - 1)
        s = "abc" + "def"
        a = array([1.0, 2.0])
        for i in range(200):
            r = pick(s, a, i % 3)
            q = pick(a, s, 0)
        print(r, q, s, a)
        print(pick(1.5, 2, 0.5), pick(7, 8, 0))
        """), "abcdef [1. 2.] abcdef [1. 2.]\n1.5 7\n")
        // Int bounds at the ends of the int range (the guard's low...high range form) and !=.
        XCTAssertEqual(try TestPrograms.run("""
        def top(n):
            if n >= 9223372036854775807:
                return n
            return 0
        def never(n):
            if n > 9223372036854775807:
                return 1
            return 2
        def bottom(n):
            if n <= -9223372036854775807:
                return 3
            return 4
        def other(n):
            if n != 4:
                return n
            return other(n + 1)
        print(top(9223372036854775807), top(9223372036854775806), never(9223372036854775807))
        print(bottom(-9223372036854775807), bottom(-9223372036854775806), bottom(0.5))
        print(other(4), other(-1), other(4.0), other(3.5))
        """), "9223372036854775807 0 2\n3 4 4\n5 -1 5.0 3.5\n")
        // Bool and mixed int/float comparisons take the guard as the callee's BRANCH would.
        XCTAssertEqual(try TestPrograms.run("""
        def f(n):
            if n < 1:
                return n
            return f(n - 1)
        print(f(True), f(False), f(2.5), f(3))
        """), "0 False 0.5 0\n")
    }
}
