// The scalar fast path of tracing (Trace+Scalars.swift): traced numbers held
// in `.traced` slots with their nodes lazy. Every program here runs twice,
// with the fast path on and off (`Trace.recordsScalarsLazily`), and must
// print exactly the same: results, reused and compiled gradients, the
// compiled gradient's bytecode (so the same nodes were recorded), errors.
// Agreement with the real derivative is checked against forward-mode
// derivatives computed here in Swift, and against autograd by the
// differential program 1843.

import XCTest
@testable import ADL

final class TraceScalarsTests: XCTestCase {
    override func tearDown() {
        Trace.recordsScalarsLazily = true
        Differentiator.replaysLeanTraces = true
        super.tearDown()
    }

    func differentiator(_ vm: VM, _ name: String) -> Differentiator? {
        guard let slot = vm.globals.names.firstIndex(of: name), case .builtin(let b) = vm.globals[slot] else { return nil }
        return b.payload as? Differentiator
    }

    /// The output of `source` with the fast path on, checked equal to its output with it off.
    @discardableResult
    func sameBothWays(_ source: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        Trace.recordsScalarsLazily = false
        let slow = try TestPrograms.run(source)
        Trace.recordsScalarsLazily = true
        let fast = try TestPrograms.run(source)
        XCTAssertEqual(fast, slow, source, file: file, line: line)
        return fast
    }

    /// B10's loop: x ← x − 0.01 sin(x) x, `steps` times, and its derivative by forward mode.
    static func loop(_ x0: Double, steps: Int) -> (Double, Double) {
        var x = x0, dx = 1.0
        for _ in 0..<steps {
            // d(x - 0.01 sin(x) x) = dx (1 - 0.01 (cos(x) x + sin(x)))
            dx = dx * (1 - 0.01 * (cos(x) * x + sin(x)))
            x = x - 0.01 * sin(x) * x
        }
        return (x, dx)
    }

    func testTheB10LoopFirstCallReuseAndCompiledCallAgree() throws {
        let source = """
        def f(x):
            for i in range(1000):
                x = x - 0.01 * sin(x) * x
            return x
        g = grad(f)
        print(g(0.5))
        print(g(0.5))
        print(g(0.5))
        print(value_and_grad(f)(-1.25))
        dis(g, 0.5)

        """
        let out = try sameBothWays(source)
        let lines = out.split(separator: "\n").map(String.init)
        let (_, d) = TraceScalarsTests.loop(0.5, steps: 1000)
        XCTAssertEqual(Double(lines[0]) ?? .nan, d, accuracy: 1e-12 * Swift.abs(d))
        // First call (lean sweep), reuse (graph built), compiled call: bit for bit.
        XCTAssertEqual(lines[1], lines[0])
        XCTAssertEqual(lines[2], lines[0])
        let (v2, d2) = TraceScalarsTests.loop(-1.25, steps: 1000)
        XCTAssertTrue(lines[3].hasPrefix("("), lines[3])
        let pair = lines[3].dropFirst().dropLast().split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) ?? .nan }
        XCTAssertEqual(pair[0], v2, accuracy: 1e-12 * Swift.abs(v2))
        XCTAssertEqual(pair[1], d2, accuracy: 1e-12 * Swift.abs(d2))
    }

    func testTheFastPathRecordsTheLoopLazily() throws {
        let vm = VM()
        _ = try TestPrograms.run("""
        def f(x):
            for i in range(100):
                x = x - 0.01 * sin(x) * x
            return x
        g = grad(f)
        g(0.5)

        """, vm: vm)
        let d = differentiator(vm, "g")
        XCTAssertEqual(d?.leanRuns, 1)
        // 4 operations a step; the last one is the result, which became a value.
        XCTAssertEqual(d?.lazyNodes, 399)
        // Each operation had the last node as an operand: none could have a twin, and
        // none was entered in the CSE table while recording.
        XCTAssertEqual(d?.unindexedNodes, 400)
        Trace.recordsScalarsLazily = false
        _ = try TestPrograms.run("g2 = grad(f)\ng2(0.5)\n", vm: vm)
        XCTAssertEqual(differentiator(vm, "g2")?.lazyNodes, 0)
    }

    /// An operation on the last node recorded has no twin, so the fast path enters it
    /// in the CSE table only when something looks there (Trace.unindexed); the twins
    /// that do occur must still be found, by the fast path and by the gradient graph.
    func testCommonSubexpressionsAreFoundThoughTheirEntriesWait() throws {
        let source = """
        def f(x):
            for i in range(40):
                s = sin(x)
                t = sin(x) * x              # sin(x) again: s itself
                u = s * x                   # t again
                v = x * s                   # not t: the operands swapped
                x = x - 0.01 * (t + u * v) + 0.001 * sin(x) * x
            return x
        g = grad(f)
        print(g(0.5), g(0.5), g(0.5), value_and_grad(f)(-1.25))
        dis(g, 0.5)

        """
        let out = try sameBothWays(source)
        // The real derivative, by forward mode: x ← x − 0.01 (sin(x) x + (sin(x) x)²) + 0.001 sin(x) x.
        var x = 0.5, dx = 1.0
        for _ in 0..<40 {
            let p = sin(x) * x, dp = cos(x) * x + sin(x)
            dx = dx * (1 - 0.01 * (dp + 2 * p * dp) + 0.001 * dp)
            x = x - 0.01 * (p + p * p) + 0.001 * p
        }
        let first = out.split(separator: " ").first.map(String.init) ?? ""
        XCTAssertEqual(Double(first) ?? .nan, dx, accuracy: 1e-12)
        // The same nodes both ways: the fast path's twins are the general path's.
        var counts: [Int] = []
        for lazy in [false, true] {
            Trace.recordsScalarsLazily = lazy
            let vm = VM()
            _ = try TestPrograms.run(source.replacingOccurrences(of: "print(", with: "(").replacingOccurrences(of: "dis(g, 0.5)", with: ""), vm: vm)
            counts.append(differentiator(vm, "g")?.recordedNodes ?? -1)
        }
        XCTAssertEqual(counts[0], counts[1])
        XCTAssertGreaterThan(counts[0], 40 * 10)
    }

    /// Where a traced number leaves the fast path: it becomes its 0-d array
    /// first, and everything is as on the general path.
    func testTracedNumbersLeavingTheFastPath() throws {
        try sameBothWays("""
        seen = [0.0]
        def f(x):
            y = x * 3.0
            seen[0] = y                   # a list outlives the trace
            z = maximum(y, 0.5) + y ** 2  # a builtin of two arguments, pow by an int
            if z > 1:                     # a comparison: a guard
                z = z / x
            w = (z, y)                    # a tuple
            c = [y, z]                    # a list
            s = str(y)                    # a builtin of one argument that is not maths
            return w[0] * c[1] - y % 2.0 + (y is y) * x + float(len(s)) * 0
        g = grad(f)
        print(g(0.7), g(0.7), g(0.1), g(0.1), seen)
        print(grad(grad(f))(0.7), hessian(f)(0.7))
        print(seen[0] * 2, seen)

        """)
    }

    func testClosuresKeywordsNestingAndOtherModes() throws {
        try sameBothWays("""
        def make(k):
            def f(x, y=2.0):
                a = x
                for i in range(30):
                    a = a * k + sin(a) / y - 0.5 * cos(i * a)
                return a
            return f
        f = make(0.9)
        print(grad(f)(0.3), grad(f, argnums=(0, 1))(0.3, 1.5))
        print(grad(grad(f))(0.3), hessian(f)(0.3))
        print(jvp(f, (0.3,), (1.0,)))
        v, pull = vjp(f, 0.3)
        print(v, pull(2.0))
        print(elementwise_grad(f)(0.3), jacobian(f)(0.3))
        print(checkgrad(f, 0.3))
        h = grad(lambda x: f(x) * f(x * 2) - exp(-x))
        print(h(0.2), h(0.2), h(1.2))

        """)
    }

    func testErrorsAndSpecialValuesAreUnchanged() throws {
        try sameBothWays("""
        def f(x):
            y = x * 0.0
            return x / y + sqrt(-x) + log(x - x)
        print(grad(f)(1.0))
        def g(x):
            return x ** 0.5 * 2 ** x - (-x) ** 1.5
        print(grad(g)(0.0), grad(g)(2.0))
        def bad(x):
            y = x * 2.0
            return y + "a"
        print(grad(bad)(1.0))

        """.replacingOccurrences(of: "print(grad(bad)(1.0))\n", with: ""))
        // The error of an operation on a traced number, with its location: the same both ways.
        var messages: [String] = []
        for lazy in [false, true] {
            Trace.recordsScalarsLazily = lazy
            XCTAssertThrowsError(try TestPrograms.run("def bad(x):\n    y = x * 2.0\n    return y + \"a\"\nprint(grad(bad)(1.0))\n")) { error in
                guard let adl = error as? ADLError else { return XCTFail("\(error)") }
                messages.append("\(adl.message) at \(String(describing: adl.location))")
            }
        }
        XCTAssertEqual(messages.count, 2)
        XCTAssertEqual(messages.first, messages.last)
        XCTAssertTrue(messages.first?.contains("'str'") == true, messages.first ?? "")
        XCTAssertTrue(messages.first?.contains("(3:14)") == true, messages.first ?? "")
    }

    // MARK: Replays (Differentiator.replay, LeanReverse.replay)

    /// The output of `source` with reuses of big lean traces replayed, checked
    /// equal to its output when they are lowered and compiled (as before
    /// replays) and when the fast path is off (no scalar tape: always compiled).
    @discardableResult
    func sameReplayedAndCompiled(_ source: String, vm: VM = VM(), file: StaticString = #filePath, line: UInt = #line) throws -> String {
        Differentiator.replaysLeanTraces = false
        let compiled = try TestPrograms.run(source)
        Differentiator.replaysLeanTraces = true
        Trace.recordsScalarsLazily = false
        let general = try TestPrograms.run(source)
        Trace.recordsScalarsLazily = true
        let replayed = try TestPrograms.run(source, vm: vm)
        XCTAssertEqual(replayed, compiled, source, file: file, line: line)
        XCTAssertEqual(replayed, general, source, file: file, line: line)
        return replayed
    }

    func testReusesOfABigScalarTraceReplayItAtNewArgumentsBitForBit() throws {
        let vm = VM()
        let out = try sameReplayedAndCompiled("""
        c = 0.01
        def f(x):
            for i in range(1000):
                x = x - c * sin(x) * x
            return x
        g = grad(f)
        vg = value_and_grad(f)
        for x in [0.5, 0.7, -1.25, 2, True, array(0.3), 0.5]:
            print(g(x), vg(x))
        def h(x, y, k=3):
            for i in range(100):
                x = x * cos(y) + y / (1.5 + x ** 2) - tanh(x) ** k * 0.1 + exp(0 - x * x) / 2 ** y
            return x * y - sqrt(abs(y) + 1)
        gh = grad(h, argnums=(0, 1))
        for p in [(0.5, 0.2), (0.3, -0.4), (1, 2), (0.5, 0.2)]:
            print(gh(p[0], p[1]), gh(p[0], p[1], k=2))
        c = 0.02
        print(g(0.5), g(0.7))
        dis(g, 0.5)

        """, vm: vm)
        let lines = out.split(separator: "\n").map(String.init)
        // Against forward-mode derivatives: each argument, not the first one's numbers again.
        for (row, x) in [0.5, 0.7, -1.25, 2, 1, 0.3].enumerated() {
            let (v, d) = TraceScalarsTests.loop(x, steps: 1000)
            let numbers = lines[row].split(whereSeparator: { " (),".contains($0) }).compactMap { Double($0) }
            XCTAssertEqual(numbers.count, 3, lines[row])
            XCTAssertEqual(numbers[0], d, accuracy: 1e-12 * Swift.max(Swift.abs(d), 1e-300), lines[row])
            XCTAssertEqual(numbers[1], v, accuracy: 1e-12 * Swift.abs(v), lines[row])
            XCTAssertEqual(numbers[2], numbers[0], lines[row])
        }
        XCTAssertEqual(lines[6], lines[0])
        let d = differentiator(vm, "g")
        // Traced once per value of `c`; every other call was a replay, and only `dis` lowered.
        XCTAssertEqual(d?.traceCount, 2)
        XCTAssertEqual(d?.leanRuns, 2)
        XCTAssertEqual(d?.replayRuns, 7)
        XCTAssertEqual(d?.deferredGraphs, 1)
        // Two entries (with and without the keyword), each traced once and replayed three times.
        XCTAssertEqual(differentiator(vm, "gh")?.replayRuns, 6)
        XCTAssertEqual(differentiator(vm, "vg")?.replayRuns, 6)
    }

    func testWhatIsNotReplayedIsCompiledAsBefore() throws {
        let vm = VM()
        try sameReplayedAndCompiled("""
        def branchy(x):
            for i in range(300):
                if x > 0.2:
                    x = x - 0.01 * sin(x) * x
                else:
                    x = x * 1.01
            return x
        def negated(x):
            for i in range(300):
                x = -x * 0.99 + 0.001
            return x
        def small(x):
            for i in range(20):
                x = x - 0.01 * sin(x) * x
            return x
        def withArray(x):
            for i in range(300):
                x = x - 0.01 * sin(x) * x
            return sum(array([x, x * 2]))
        def arcs(x):
            for i in range(300):
                x = x - 0.01 * arcsin(x) * x
            return x
        gb = grad(branchy)
        gn = grad(negated)
        gs = grad(small)
        ga = grad(withArray)
        gc = grad(arcs)
        gg = grad(grad(small))
        for x in [0.5, 0.7, 0.1]:
            print(gb(x), gn(x), gs(x), ga(x), gc(x), gg(x))

        """, vm: vm)
        for name in ["gb", "gn", "gs", "ga", "gc", "gg"] {
            XCTAssertEqual(differentiator(vm, name)?.replayRuns, 0, name)
        }
        // A branch on the traced number records guards: compiled on reuse, retraced when it flips.
        XCTAssertEqual(differentiator(vm, "gb")?.deferredGraphs, 1)
        XCTAssertEqual(differentiator(vm, "gb")?.traceCount, 2)
        XCTAssertEqual(differentiator(vm, "gs")?.deferredGraphs, 1)
    }

    func testOperandsReadLikeAnArray() {
        let lists: [[Int]] = [[], [4], [4, 7], [1, 2, 3], [5, 1, 2, 3, 9], [Int(Int32.max) + 1, 2]]
        for ids in lists {
            let operands = Operands(ids)
            XCTAssertEqual(Array(operands), ids)
            XCTAssertEqual(operands.count, ids.count)
            XCTAssertEqual(operands.map { $0 * 2 }, ids.map { $0 * 2 })
            XCTAssertEqual(operands.dropFirst().count, Swift.max(ids.count - 1, 0))
            XCTAssertEqual(operands, Operands(ids))
        }
        XCTAssertEqual(Operands(3, 8), Operands([3, 8]))
        XCTAssertNotEqual(Operands(3, 8), Operands([3, 8, 1]))
        XCTAssertEqual(Operands(6), [6])
    }
}
