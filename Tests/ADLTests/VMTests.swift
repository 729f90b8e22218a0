// Runs small programs in-process and checks what they print and the errors
// they raise: the compiler and the VM together, without the CLI.

import XCTest
@testable import ADL

final class VMTests: XCTestCase {
    /// Runs `source` (echoing expression statements) and returns what it printed.
    func run(_ source: String, echo: Bool = true) throws -> String {
        try TestPrograms.run(source, echo: echo)
    }

    /// Runs `source` and returns the error it raises.
    func failure(_ source: String) -> ADLError? {
        TestPrograms.failure(source)
    }

    func testArithmeticFollowsPython() throws {
        XCTAssertEqual(try run("1 + 1\n7 / 2\n7 // 2\n-7 // 2\n7 % -3\n2 ** -1\n2 ** 10\n"), "2\n3.5\n3\n-4\n-2\n0.5\n1024\n")
        XCTAssertEqual(try run("0.1 + 0.2\n1e-10\n1e16\n-0.0\n"), "0.30000000000000004\n1e-10\n1e+16\n-0.0\n")
        XCTAssertEqual(try run("7.0 // 0\n7.0 % 0\n1 / 0\n"), "inf\nnan\ninf\n")
    }

    func testPrecedence() throws {
        XCTAssertEqual(try run("-2 ** 2\n2 ** 3 ** 2\n1 + 2 * 3\nnot 1 == 2\n1 < 2 < 3\n3 > 2 > 2\n"),
                       "-4\n512\n7\nTrue\nTrue\nFalse\n")
        XCTAssertEqual(try run("1 if False else 2\nTrue and 0\n0 or 'x'\n"), "2\n0\n'x'\n")
    }

    func testBoolsWithHugeIntsStayExact() throws {
        // Found by adl-fuzz: a bool against an int near Int.max once went through Double and trapped.
        XCTAssertEqual(try run("True == 9223372036854775807\nTrue + 9223372036854775806\n"), "False\n9223372036854775807\n")
        XCTAssertEqual(failure("True + 9223372036854775807")?.kind, .overflow)
    }

    func testContainersObeyTheAllocationLimit() throws {
        // Fuzz findings 4 and 5: rows of a huge empty array, and growth by concatenation.
        XCTAssertEqual(failure("zeros((2**62, 0)).tolist()")?.kind, .memory)
        XCTAssertEqual(failure("zeros((2, 2**61, 0)).tolist()")?.kind, .memory)
        XCTAssertEqual(failure("a, b = zeros((2**62, 0))")?.message, "too many values to unpack (expected 2, got 4611686018427387904)")
        let saved = NDArray.maxElements
        NDArray.maxElements = 1000
        defer { NDArray.maxElements = saved }
        XCTAssertEqual(failure("s = 'ab'\nwhile True:\n    s = s + s")?.kind, .memory)
        XCTAssertEqual(try run("[1, 'a'] + [2, 'b']"), "[1, 'a', 2, 'b']\n")
    }

    func testIntOverflowIsAnError() {
        XCTAssertEqual(failure("9223372036854775807 + 1")?.kind, .overflow)
        XCTAssertEqual(failure("2 ** 64")?.kind, .overflow)
        XCTAssertEqual(failure("1 // 0")?.kind, .zeroDivision)
        XCTAssertEqual(failure("1 % 0")?.kind, .zeroDivision)
    }

    func testFunctionsDefaultsKeywordsRecursion() throws {
        let src = """
        def f(a, b=2, c=3):
            return a + 10 * b + 100 * c
        print(f(1), f(1, c=5), f(a=4, b=0))
        def fib(n):
            if n < 2:
                return n
            return fib(n - 1) + fib(n - 2)
        print(fib(20))
        g = lambda x, y=1: x * y
        print(g(3), g(3, 4))
        """
        XCTAssertEqual(try run(src), "321 521 304\n6765\n3 12\n")
    }

    func testArgumentErrors() {
        XCTAssertEqual(failure("def f(a, b): return a\nf(1)")?.message, "f() missing 1 required positional argument: 'b'")
        XCTAssertEqual(failure("def f(a): return a\nf(1, 2)")?.message, "f() takes 1 positional argument but 2 were given")
        XCTAssertEqual(failure("def f(a): return a\nf(a=1, z=2)")?.message, "f() got an unexpected keyword argument 'z'")
    }

    func testClosuresShareVariables() throws {
        let src = """
        def counter():
            n = 0
            def inc():
                return n + 1
            n = 10
            return inc
        print(counter()())
        def adder(k):
            return lambda x: x + k
        add5 = adder(5)
        print(add5(1))
        def outer():
            x = 1
            def mid():
                def inner():
                    return x
                return inner
            return mid()()
        print(outer())
        """
        XCTAssertEqual(try run(src), "11\n6\n1\n")
    }

    func testLoopsBreakContinue() throws {
        let src = """
        s = 0
        for i in range(10):
            if i == 7:
                break
            if i % 2 == 0:
                continue
            s += i
        print(s)
        n = 0
        while True:
            n += 1
            if n > 4:
                break
        print(n)
        for x in (1, 'a', None):
            print(x)
        for i in range(10, 0, -3):
            print(i)
        """
        XCTAssertEqual(try run(src), "9\n5\n1\na\nNone\n10\n7\n4\n1\n")
    }

    func testTupleUnpackingAndContainers() throws {
        XCTAssertEqual(try run("a, b = 1, 2\na, b = b, a\nprint(a, b)\n(1,)\n[1, 'a']\n{'k': 1}\n"),
                       "2 1\n(1,)\n[1, 'a']\n{'k': 1}\n")
        XCTAssertEqual(failure("a, b = 1, 2, 3")?.message, "too many values to unpack (expected 2, got 3)")
    }

    func testArraysHaveValueSemantics() throws {
        let src = """
        x = [1.0, 2.0, 3.0]
        y = x
        y[0] = 5
        print(x, y)
        def f(a):
            a[1] = 0
            return a
        z = f(x)
        print(x, z)
        """
        XCTAssertEqual(try run(src), "[1. 2. 3.] [5. 2. 3.]\n[1. 2. 3.] [1. 0. 3.]\n")
    }

    func testIndexAssignmentForms() throws {
        let src = """
        m = zeros((2, 3))
        m[0, 1] = 4
        m[1] += 1
        m[0][2] = 7
        print(m)
        """
        XCTAssertEqual(try run(src), "[[0. 4. 7.]\n [1. 1. 1.]]\n")
    }

    func testRecords() throws {
        XCTAssertEqual(try run("r = {'a': 1, 'b': [1.0, 2.0]}\nr.a\nr['b']\nr.c = 3\nr\n"),
                       "1\narray([1., 2.])\n{'a': 1, 'b': array([1., 2.]), 'c': 3}\n")
    }

    func testFStrings() throws {
        XCTAssertEqual(try run("x = 3.14159\nf'{x:.2f} {x!r} {1 + 1}'\n"), "'3.14 3.14159 2'\n")
    }

    func testNumpyPrefixResolves() throws {
        XCTAssertEqual(try run("import numpy as np\nnp.sum(np.ones(3))\nnumpy.zeros(2)\n"), "3.0\narray([0., 0.])\n")
    }

    func testUnknownNameSuggests() {
        let e = failure("value = 1\nprint(valeu)")
        XCTAssertEqual(e?.message, "name 'valeu' is not defined")
        XCTAssertEqual(e?.notes, ["did you mean 'value'?"])
        XCTAssertEqual(e?.location, SourceLocation(line: 2, column: 7))
    }

    func testRecursionLimitIsAnError() {
        XCTAssertEqual(failure("def f(n): return f(n + 1)\nf(0)")?.kind, .recursion)
    }

    func testErrorsCarryTheCallTrace() {
        let e = failure("def inner(x):\n    return x + [1.0, 2.0]\ndef outer():\n    return inner([1.0, 2.0, 3.0])\nouter()")
        XCTAssertEqual(e?.kind, .shape)
        XCTAssertEqual(e?.location?.line, 2)
        XCTAssertEqual(e?.trace.map(\.function), ["inner", "outer"])
    }

    func testEchoSkipsNoneAndScriptsDoNotEcho() throws {
        XCTAssertEqual(try run("None\nprint('x')\n"), "x\n")
        XCTAssertEqual(try run("1 + 1\n", echo: false), "")
    }

    func testSuperinstructionsKeepSemantics() throws {
        // Operators on locals and literals take the fused path; results and errors must not change.
        let src = """
        def f(a, b):
            return (a + 1, a * b, a - 2.5, 1 < a, a // 2, a % 3, a ** 2, a @ b if False else 0)
        print(f(7, 3))
        print(f(ones(2), 2.0))
        """
        XCTAssertEqual(try run(src), "(8, 21, 4.5, True, 3, 1, 49, 0)\n(array([2., 2.]), array([2., 2.]), array([-1.5, -1.5]), array([False, False]), array([0., 0.]), array([1., 1.]), array([1., 1.]), 0)\n")
        XCTAssertEqual(failure("def f(a):\n    return a + 1\nf(9223372036854775807)")?.kind, .overflow)
        XCTAssertEqual(failure("def f():\n    x = y + 1\n    y = 2\nf()")?.message, "local variable 'y' referenced before assignment")
    }

    func testRangeLoopsInFunctionsBreakAndContinue() throws {
        // Range loops into a local are laid out with the test at the bottom (RANGE_NEXT).
        let src = """
        def f(n):
            s = 0
            for i in range(n):
                if i == 7:
                    break
                if i % 2 == 0:
                    continue
                for j in range(i, 0, -2):
                    if j == 3:
                        continue
                    s += j
            return s, i
        print(f(10), f(3), f(0) if False else f(1))
        """
        XCTAssertEqual(try run(src), "(8, 7) (1, 2) (0, 0)\n")  // as CPython prints
    }

    func testForRangeStoreAndInterruptibleLoops() throws {
        XCTAssertEqual(try run("def f():\n    t = 0\n    for i in range(5):\n        t += i\n    return t, i\nf()"), "(10, 4)\n")
        XCTAssertEqual(try run("for i in range(3): pass\ni"), "2\n")
    }

    func testDisassemblerNamesEveryInstruction() throws {
        let out = try run("def f(x, y=2):\n    return [x, y] if x > y else {'k': x}\ndis(f)")
        XCTAssertTrue(out.hasPrefix("function f(x, y)"))
        XCTAssertTrue(out.contains("BRANCH_LL"))  // x > y fused with its JUMP_IF_FALSE
        XCTAssertTrue(out.contains("BUILD_LIST"))
        XCTAssertTrue(out.contains("BUILD_RECORD"))
        XCTAssertFalse(out.contains("?"))
    }

    func testEveryOpcodeHasADistinctMnemonic() {
        let names = OpCode.allCases.map(\.mnemonic)
        XCTAssertEqual(Set(names).count, names.count)
    }
}
