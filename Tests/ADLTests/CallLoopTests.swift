// The call loop (VM/VM+CallLoop.swift): which functions it runs, that it stays
// interruptible and leaves the VM usable after an error in its frames, and that
// its results are the full loop's. Expected values are CPython's for the same
// programs; golden scripts functions/call_loop* and errors/call_loop_* cover the rest.

import Foundation
import XCTest
@testable import ADL

final class CallLoopTests: XCTestCase {
    /// Whether global function `name` runs in the call loop after running `source`.
    func runsInCallLoop(_ name: String, in source: String) throws -> Bool {
        let vm = VM()
        _ = try TestPrograms.run(source, vm: vm)
        guard case .function(let f)? = vm.globals.value(of: name) else {
            XCTFail("\(name) is not a function")
            return false
        }
        return f.runsInCallLoop
    }

    func testWhichFunctionsRunInTheCallLoop() throws {
        let runs = [
            "def f(n):\n    if n < 2:\n        return n\n    return f(n - 1) + f(n - 2)",
            "def f(n):\n    if n < 2:\n        return n\n    a = f(n - 1)\n    b = f(n - 2)\n    return a + b",
            "def f(n):\n    if n == 0:\n        return True\n    return g(n - 1)",
            "def f(x):\n    return x * 2.0 - 1",
            // A call of a global that holds a builtin leaves the call loop when it runs.
            "def f(n):\n    return abs(n - 1)",
        ]
        for source in runs {
            XCTAssertTrue(try runsInCallLoop("f", in: source), source)
        }
        // A loop, a list, a builtin call, a closure, an index: the full loop's.
        let full = [
            "def f(n):\n    s = 0\n    for i in range(n):\n        s = s + i\n    return s",
            "def f(n):\n    return [n, n - 1]",
            "def f(n):\n    return np.abs(n - 1)",
            "def f(n):\n    g = lambda: n\n    return g()",
            "def f(a):\n    return a[0] + 1",
        ]
        for source in full {
            XCTAssertFalse(try runsInCallLoop("f", in: source), source)
        }
    }

    func testMutualRecursionIsInterruptible() throws {
        // Far longer than the timer: Ctrl-C stops it with an error at a call, and the same
        // VM runs the next program (the call loop stored its frame count back).
        let vm = VM()
        let error = TestPrograms.failure("""
        def ping(n):
            if n < 2:
                return n
            return pong(n - 1) + pong(n - 2)
        def pong(n):
            if n < 2:
                return n
            return ping(n - 1) + ping(n - 2)
        ping(45)
        """, vm: vm, ctrlCAfter: 0.2)
        XCTAssertEqual(error?.kind, .interrupt)
        XCTAssertFalse(error?.trace.isEmpty ?? true)
        XCTAssertEqual(vm.frames.count, 0)
        XCTAssertEqual(vm.sp, 0)
        XCTAssertEqual(try TestPrograms.run("print(ping(20), pong(21))", vm: vm), "6765 10946\n")
    }

    func testErrorsInsideTheCallLoopLeaveTheVMUsable() throws {
        let vm = VM()
        let error = TestPrograms.failure("""
        def down(n):
            if n <= 0:
                return 0
            return down(n - 1) + 1
        down(5000)
        """, vm: vm)
        XCTAssertEqual(error?.kind, .recursion)
        XCTAssertEqual(vm.frames.count, 0)
        XCTAssertEqual(vm.sp, 0)
        XCTAssertEqual(try TestPrograms.run("print(down(900))", vm: vm), "900\n")
    }

    func testCalledFromSwift() throws {
        // VM.call (as builtins such as map call back into the VM): the call loop returns
        // at that call's depth.
        let vm = VM()
        _ = try TestPrograms.run("def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)", vm: vm)
        guard let fib = vm.globals.value(of: "fib") else { return XCTFail("no fib") }
        for (n, expected) in [(0, 0), (1, 1), (2, 1), (10, 55), (23, 28657)] {
            let r = try vm.call(fib, Arguments([.int(n)]))
            guard case .int(let i) = r else { return XCTFail("\(r)") }
            XCTAssertEqual(i, expected)
        }
        XCTAssertEqual(vm.frames.count, 0)
    }
}
