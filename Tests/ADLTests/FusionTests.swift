// The fused instructions Peephole.fuse makes when a function is sealed
// (UPDATE_LK/LL, BRANCH_LK/LL, RETURN_LOCAL, CALL_GLOBAL_LK, BINARY_RETURN,
// BINARY_GK, BINARY_STORE_GLOBAL), the counted module-level loop
// (FOR_RANGE_STORE_GLOBAL, RANGE_NEXT_GLOBAL) and the tight loop of a range loop
// whose body is one UPDATE: that they are made where they should be, not where a
// jump lands inside their sequence, and that every result and error is what the
// unfused code (and CPython) gives. Expected values are CPython's for the same
// programs.

import XCTest
@testable import ADL

final class FusionTests: XCTestCase {
    func run(_ source: String) throws -> String { try TestPrograms.run(source) }

    func failure(_ source: String) -> ADLError? { TestPrograms.failure(source) }

    func testFusedInstructionsAreMade() throws {
        let out = try run("""
        def f(n, k):
            s = 0.0
            for i in range(n):
                s = s + i * 0.5
                s = s - i * k
                if i < 3:
                    s = s * 1.0
                if i == k:
                    pass
            return s
        dis(f)
        """)
        XCTAssertTrue(out.contains("UPDATE_LK             3 3 2 MUL ADD (s = s + i * 0.5)"), out)
        XCTAssertTrue(out.contains("UPDATE_LL             3 1 2 MUL SUB (s = s - i * k)"), out)
        XCTAssertTrue(out.contains("BRANCH_LK             3 4 18 LT (unless i < 3 to 18)"), out)
        XCTAssertTrue(out.contains("BRANCH_LL             3 1 21 EQ (unless i == k to 21)"), out)
        XCTAssertTrue(out.contains("RETURN_LOCAL          2 (s)"), out)
        // Only the first instruction of a sequence is replaced: the rest stay for the slow path.
        XCTAssertTrue(out.contains("UPDATE_LK             3 3 2 MUL ADD (s = s + i * 0.5)\n     8    BINARY_LS             2 ADD (s + pop)\n     9    STORE_LOCAL           2 (s)\n"), out)
        // `s * 1.0` is stored without a BINARY_LS: not an update.
        XCTAssertTrue(out.contains("BINARY_LK             2 5 MUL (s * 1.0)"), out)
    }

    func testNoFusionWhereAJumpLandsInside() throws {
        // `c or i * 0.5` jumps straight to the BINARY_LS; `a if c else b` to the RETURN.
        let src = """
        def f(c):
            s = 1.0
            i = 3
            s = s + (c or i * 0.5)
            return s
        def g(c, a, b):
            return a if c else b
        dis(f)
        dis(g)
        print(f(0), f(2), g(True, 1, 2), g(False, 1, 2))
        """
        let out = try run(src)
        XCTAssertFalse(out.contains("UPDATE_"), out)
        let g = out.components(separatedBy: "function g").last ?? ""
        XCTAssertTrue(g.contains("LOAD_LOCAL            2 (b)\n     5    RETURN\n"), out)
        XCTAssertFalse(g.contains("RETURN_LOCAL"), out)
        XCTAssertTrue(out.hasSuffix("2.5 3.0 1 2\n"), out)
    }

    func testUpdateResultsIntsFloatsAndMixes() throws {
        let src = """
        def acc(n):
            s = 0.0
            t = 0
            u = 0
            for i in range(n):
                s = s + i * 0.5
                t = t - i * 3
                u = u + i * i
            return s, t, u, i
        print(acc(10))
        def mix(n):
            s = 0
            for i in range(n):
                s = s + i / 2
            return s
        print(mix(5))
        def mix2(a, b):
            s = 1
            s = s * a - b
            s = s - a * 0.25
            return s
        print(mix2(3, 4), mix2(3.5, 2))
        def big(k):
            s = 0.0
            s = s + k * 1.0
            return s
        print(big(2**53 + 1), big(-(2**53) - 3))
        """
        XCTAssertEqual(try run(src), "(22.5, -135, 285, 9)\n5.0\n-1.75 0.625\n9007199254740992.0 -9007199254740996.0\n")
    }

    func testUpdateOverflowIsAnErrorAtTheSameOperator() throws {
        // Inner overflow (`a * b`) and outer overflow (`s + ...`): the error and its column are
        // those of the unfused form (`u = s + a * b` stores elsewhere, so it is not fused).
        for body in ["s = s + a * b", "s = s + a * 1"] {
            let fused = "def f(a, b):\n    s = 9223372036854775806\n    \(body)\n    return s\nf(2**62, 4)"
            let plain = fused.replacingOccurrences(of: "    s = s +", with: "    u = s +")
            XCTAssertTrue(try run(fused.replacingOccurrences(of: "f(2**62", with: "dis(f)\n#")).contains("UPDATE_"))
            guard let e1 = failure(fused), let e2 = failure(plain) else { return XCTFail("no overflow for \(body)") }
            XCTAssertEqual(e1.kind, .overflow)
            XCTAssertEqual(e1.message, e2.message)
            XCTAssertEqual(e1.location, e2.location)
        }
        XCTAssertEqual(try run("def f(a):\n    s = -1\n    s = s + a * 2\n    return s\nf(4611686018427387903)"),
                       "9223372036854775805\n")
    }

    func testUpdateSlowPathsArraysUnboundAndTraced() throws {
        // An array accumulator, an array operand, an unassigned accumulator.
        XCTAssertEqual(try run("def f(x):\n    s = zeros(2)\n    for i in range(3):\n        s = s + i * 0.5\n    return s\nf(0)"),
                       "array([1.5, 1.5])\n")
        XCTAssertEqual(try run("def f(x):\n    s = 1.0\n    s = s - x * 2.0\n    return s\nf(array([1.0, 2.0]))"),
                       "array([-1., -3.])\n")
        XCTAssertEqual(failure("def f(i):\n    s = s + i * 2\n    return s\nf(1)")?.message,
                       "local variable 's' referenced before assignment")
        XCTAssertEqual(failure("def f():\n    s = 0\n    s = s + i * 2\n    i = 1\nf()")?.message,
                       "local variable 'i' referenced before assignment")
        // A traced value through UPDATE_LK, BRANCH_LK and RETURN_LOCAL: d/dx of 3 * 2x is 6,
        // of x * x (the other branch) 2x.
        let src = """
        def f(x):
            s = 0.0
            for i in range(3):
                s = s + x * 2.0
            if x < 2.0:
                return s
            t = x * x
            return t
        print(grad(f)(1.5), grad(f)(3.0), f(1.5))
        """
        XCTAssertEqual(try run(src), "6.0 6.0 9.0\n")
    }

    func testBranchComparisons() throws {
        let src = """
        def cmp(a, b):
            r = 0
            if a < b:
                r = r * 10 + 1
            if a <= 2:
                r = r * 10 + 2
            if a > b:
                r = r * 10 + 3
            if a >= 2.5:
                r = r * 10 + 4
            if a == b:
                r = r * 10 + 5
            if a != 3:
                r = r * 10 + 6
            return r
        print(cmp(2, 3), cmp(3.0, 3), cmp(2.5, 1), cmp(9223372036854775807, 9.223372036854775807e18), cmp(2**53 + 1, 2.0**53))
        """
        XCTAssertEqual(try run(src), "126 45 346 146 346\n")
        // Arrays and strings take the slow path: the truth of an array is the usual error.
        XCTAssertEqual(try run("def f(a, b):\n    if a < b:\n        return 1\n    return 2\nprint(f('a', 'b'), f(array([1.0]), 2))"), "1 1\n")
        XCTAssertEqual(failure("def f(a, b):\n    if a < b:\n        return 1\n    return 2\nf(ones(2), 2)")?.kind,
                       failure("if ones(2) < 2:\n    pass")?.kind)
        XCTAssertEqual(failure("def f():\n    if n < 2:\n        return 1\n    n = 1\nf()")?.message,
                       "local variable 'n' referenced before assignment")
    }

    func testReturnLocal() throws {
        XCTAssertEqual(try run("def f(a):\n    b = a\n    b[0] = 5.0\n    return b\nx = zeros(2)\nprint(f(x), x)"),
                       "[5. 0.] [0. 0.]\n")
        XCTAssertEqual(failure("def f():\n    if False:\n        r = 1\n    return r\nf()")?.message,
                       "local variable 'r' referenced before assignment")
        XCTAssertEqual(try run("def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\nfib(20)"), "6765\n")
    }

    func testRangeLoopEndingInAnUpdateKeepsItsCounterAndStops() throws {
        // UPDATE_LK runs the RANGE_NEXT after it in place: break, continue, empty and
        // negative-step ranges, and the loop variable after the loop.
        let src = """
        def f(n):
            s = 0
            for i in range(n):
                if i == 7:
                    break
                if i % 2 == 0:
                    continue
                s = s + i * 10
            t = 0
            for j in range(10, 0, -3):
                t = t + j * 2
            for k in range(0):
                t = t + k * 2
            return s, i, t, j
        print(f(10), f(4))
        """
        XCTAssertEqual(try run(src), "(90, 7, 44, 1) (40, 3, 44, 1)\n")
    }

    func testRangeLoopEndingInAnUpdateIsInterruptible() throws {
        let error = TestPrograms.failure("def f():\n    s = 0.0\n    for i in range(2**62):\n        s = s + i * 0.5\n    return s\nf()", ctrlCAfter: 0.2)
        XCTAssertEqual(error?.kind, .interrupt)
        XCTAssertEqual(error?.location?.line, 3)
    }

    func testTightRangeLoopOfOneUpdate() throws {
        // A range loop whose body is one UPDATE runs in VM.repeatUpdate. Results are CPython's:
        // floats, ints, mixes, UPDATE_LL, the accumulator as an operand, the loop variable as the
        // accumulator, steps of both signs, one-iteration and empty ranges.
        let src = """
        def f(n, k):
            a = 0.0
            for i in range(n):
                a = a + i * 0.5
            b = 0
            for i in range(n):
                b = b - i * 3
            c = 1
            for i in range(n):
                c = c + i / 4
            d = 0.0
            for i in range(n):
                d = d + i * k
            e = 1.0
            for i in range(n):
                e = e + e * 1.5
            for j in range(n):
                j = j + j * 2
            g = 0
            for i in range(20, 2, -3):
                g = g + i * 2
            h = 5
            for i in range(1):
                h = h - i * 2
            for i in range(0):
                h = h - i * 2
            return a, b, c, d, e, j, g, h, i
        print(f(5, 0.25))
        print(f(1000, -3))
        """
        XCTAssertEqual(try run(src), """
        (5.0, -30, 3.5, 2.5, 97.65625, 12, 150, 5, 0)
        (249750.0, -1498500, 124876.0, -1498500.0, inf, 2997, 150, 5, 0)

        """)
    }

    func testTightRangeLoopLeavesTheFastPathAsUnfusedCodeDoes() throws {
        // An int accumulator that overflows after some iterations: the error, its message and
        // location are those of the same loop with a second statement (not a tight loop).
        let tight = "def f(k):\n    s = 2**62\n    for i in range(10):\n        s = s + i * k\n    return s\nf(2**60)"
        let plain = tight.replacingOccurrences(of: "s + i * k\n", with: "s + i * k\n        t = 0\n")
        guard let e1 = failure(tight), let e2 = failure(plain) else { return XCTFail("no overflow") }
        XCTAssertEqual(e1.kind, .overflow)
        XCTAssertEqual(e1.message, e2.message)
        XCTAssertEqual(e1.location, e2.location)
        XCTAssertEqual(e1.location?.line, 4)
        // An accumulator that becomes an array mid-loop (from the operand), an array from the start.
        XCTAssertEqual(try run("""
        def f(x):
            s = 0.0
            for i in range(4):
                s = s + x * 2.0
            return s
        print(f(1.5), f(array([1.0, 2.0])))
        def g():
            s = ones(2)
            for i in range(3):
                s = s + i * 0.5
            return s
        print(g())
        """), "12.0 [ 8. 16.]\n[2.5 2.5]\n")
        // Traced: d/dx of sum over 5 iterations of x * i = 10.
        XCTAssertEqual(try run("""
        def f(x):
            s = 0.0
            for i in range(5):
                s = s + x * i
            return s
        print(grad(f)(2.0))
        """), "10.0\n")
    }

    func testBinaryReturn() throws {
        // BINARY; RETURN fuse into BINARY_RETURN; the RETURN stays for the slow path.
        let defs = """
        def v(x):
            return x
        def add(a, b):
            return v(a) + v(b)
        def sub(a, b):
            return v(a) - v(b)
        def mul(a, b):
            return v(a) * v(b)
        def div(a, b):
            return v(a) / v(b)
        def lt(a, b):
            return v(a) < v(b)
        def ne(a, b):
            return v(a) != v(b)

        """
        let listing = try run(defs + "dis(add)\ndis(lt)")
        XCTAssertTrue(listing.contains("BINARY_RETURN         ADD (return pop + pop)\n     7    RETURN\n"), listing)
        XCTAssertTrue(listing.contains("BINARY_RETURN         LT (return pop < pop)"), listing)
        // Values are CPython's; arrays and strings take the slow path.
        XCTAssertEqual(try run(defs + """
        print(add(2, 3), add(2, 0.5), sub(1.5, 4), mul(3, 4), mul(2.0, 3), div(1, 4), div(7, 2.0))
        print(lt(1, 2), lt(2.5, 2), ne(3, 3.0), add('a', 'b'), add(ones(2), 1), lt(arange(3), 1))
        """), """
        5 2.5 -2.5 12 6.0 0.25 3.5
        True False False ab [2. 2.] [ True False False]

        """)
        // Int overflow and division by zero: the errors and locations of the same operator unfused.
        for (call, kind) in [("add(2**62, 2**62)", ErrorKind.overflow), ("sub('a', 1)", ErrorKind.type)] {
            let fused = defs + call
            // `... if True else 0`: the same operator at the same column, followed by a jump.
            let plain = fused.replacingOccurrences(of: "return v(a) + v(b)", with: "return v(a) + v(b) if True else 0")
                .replacingOccurrences(of: "return v(a) - v(b)", with: "return v(a) - v(b) if True else 0")
            XCTAssertFalse(try run(plain.replacingOccurrences(of: call, with: "dis(add)")).contains("BINARY_RETURN"))
            guard let e1 = failure(fused), let e2 = failure(plain) else { return XCTFail(call) }
            XCTAssertEqual(e1.kind, kind)
            XCTAssertEqual(e1.message, e2.message)
            XCTAssertEqual(e1.location, e2.location)
        }
        // Traced operands record: d/dx (x * x) = 2x, d/dx (x + 3x) = 4.
        XCTAssertEqual(try run(defs + "print(grad(lambda x: mul(x, x))(3.0), grad(lambda x: add(x, 3.0 * x))(1.0))"),
                       "6.0 4.0\n")
    }

    func testBranchThenReturnLocal() throws {
        // `if cond: return x` returns from the branch when the condition holds; otherwise
        // execution goes on as before (CPython's results).
        XCTAssertEqual(try run("""
        def first_small(a, b):
            if a < 10:
                return a
            if b <= 2.5:
                return b
            return -1
        def fib(n):
            if n < 2:
                return n
            return fib(n - 1) + fib(n - 2)
        print(first_small(3, 9), first_small(12, 2.5), first_small(12, 3), fib(25))
        """), "3 2.5 -1 75025\n")
        // The returned local unassigned: the RETURN_LOCAL's error.
        XCTAssertEqual(failure("def f(n):\n    if n < 2:\n        return r\n    r = 1\nf(1)")?.message,
                       "local variable 'r' referenced before assignment")
    }

    func testCallsOfAGlobalFunctionThatIsRebound() throws {
        // CALL_GLOBAL_LK's frame borrows the function from the global; rebinding the global
        // (here more often than Globals' retired limit) keeps every running function alive
        // and each call reaches the function bound at the time.
        XCTAssertEqual(try run("""
        def g(n):
            return h(n - 1)
        total = 0
        for i in range(600):
            def h(x):
                return x * 2
            total = total + g(i)
            del h
            def h(x):
                return x * 3
            total = total + g(i)
        print(total)
        """), "895500\n")
        // The recursion limit and interrupts through the same path.
        XCTAssertEqual(failure("def r(n):\n    return r(n + 1)\nr(0)")?.kind, .recursion)
        let error = TestPrograms.failure("def step(n):\n    return n\ndef spin(n):\n    while True:\n        n = step(n - 1)\nspin(0)", ctrlCAfter: 0.2)
        XCTAssertEqual(error?.kind, .interrupt)
        // At the backward jump (line 4) or at the call (line 5).
        XCTAssertTrue([4, 5].contains(error?.location?.line ?? 0), "\(String(describing: error))")
    }

    func testModuleLevelRangeLoopOverGlobals() throws {
        // At module level `for i in range(n)` stores the counter into the global i
        // (FOR_RANGE_STORE_GLOBAL / RANGE_NEXT_GLOBAL), `i * 0.5` is BINARY_GK and
        // `s = s + ...` ends in BINARY_STORE_GLOBAL. Results are CPython's.
        let out = try run("""
        def show():
            return s, t, u, i, j
        s = 0.0
        t = 0
        u = 1
        for i in range(10):
            s = s + i * 0.5
            t = t - i * 3
            u = u * 2
            if i == 7:
                break
        for j in range(10, 0, -4):
            t = t + j * 2
            if j > 5:
                continue
            s = s / 2
        for k in range(0):
            s = 99
        print(show())
        f = lambda x: x
        for f in range(2):
            s = s + f * 1
        print(f, s)
        """)
        XCTAssertEqual(out, "(7.0, -48, 256, 7, 2)\n1 8.0\n")
        // The instructions, in the module's own listing.
        let builtins = Library.makeStandard()
        let globals = Globals(builtins: builtins)
        let file = SourceFile(name: "<test>", text: "s = 0.0\nfor i in range(3):\n    s = s + i * 0.5\n")
        let module = try Compiler(globals: globals, builtins: builtins, file: file, echo: false).compile(try Parser.parse(file))
        module.seal()
        let listing = Disassembler.disassemble(module, globals: globals.names)
        for expected in ["FOR_RANGE_STORE_GLOBAL", "(counter $t1 into global i, exit to", "BINARY_GK",
                         "MUL (i * 0.5)", "BINARY_STORE_GLOBAL", "ADD (s = pop + pop)",
                         "RANGE_NEXT_GLOBAL", "(counter $t1 into global i, back to"] {
            XCTAssertTrue(listing.contains(expected), expected + " in\n" + listing)
        }
        // A global that is not a number, or unassigned, takes the unfused path and its errors.
        XCTAssertEqual(try run("s = 'a'\nfor i in range(2):\n    s = s + 'b'\nt = ones(2)\nfor i in range(2):\n    t = t * 2.0\nprint(s, t)"),
                       "abb [4. 4.]\n")
        XCTAssertEqual(failure("for i in range(2):\n    s = q * 2.0\n")?.message, "name 'q' is not defined")
        XCTAssertEqual(failure("s = 2**62\nfor i in range(3):\n    s = s + s * 1\n")?.kind, .overflow)
    }

    func testCallGlobalWithOneComputedArgument() throws {
        let defs = "def g(y):\n    return y * y\ndef f(n):\n    return g(n - 1) + g(n * 0.5)\n"
        let listing = try run(defs + "dis(f)")
        XCTAssertTrue(listing.contains("CALL_GLOBAL_LK") && listing.contains("called with n - 1)")
                      && listing.contains("called with n * 0.5)"), listing)
        XCTAssertEqual(try run(defs + "print(f(3), f(2.5))"), "6.25 3.8125\n")
        // Builtins through the same path; a bool argument from a comparison is not fused (LT).
        XCTAssertEqual(try run("def f(x, n):\n    return sqrt(x * 4.0), abs(n - 10)\nf(4.0, 3)"), "(4.0, 7)\n")
        // Overflow in the argument, a wrong argument count, an unknown name: the errors and
        // locations of the unfused form (`h` is a local alias of the same length: not fused).
        let pairs = [
            ("def g(x):\n    return x\ndef f(n):\n    h = g\n    return g(n * 4)\nf(2**62)", ErrorKind.overflow),
            ("def g(a, b):\n    return a\ndef f(n):\n    h = g\n    return g(n + 1)\nf(1)", ErrorKind.argument),
        ]
        for (fused, kind) in pairs {
            let plain = fused.replacingOccurrences(of: "return g(", with: "return h(")
            guard let e1 = failure(fused), let e2 = failure(plain) else { return XCTFail(fused) }
            XCTAssertEqual(e1.kind, kind)
            XCTAssertEqual(e1.message, e2.message.replacingOccurrences(of: "h()", with: "g()"))
            XCTAssertEqual(e1.location, e2.location)
        }
        XCTAssertEqual(failure("def f(n):\n    return nosuch(n - 1)\nf(1)")?.message, "name 'nosuch' is not defined")
        XCTAssertEqual(failure("def r(n):\n    return r(n + 1)\nr(0)")?.kind, .recursion)
        // A traced argument takes the slow path: d/dx (3x)**2 = 18x.
        XCTAssertEqual(try run("def g(y):\n    return y * y\ndef f(x):\n    return g(x * 3.0)\nprint(grad(f)(1.0), grad(f)(2))"),
                       "18.0 36.0\n")
    }
}
