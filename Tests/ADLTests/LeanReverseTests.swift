// The lean first-call reverse sweep (LeanReverse.swift): which first calls
// take it, that its numbers are bit for bit those of the graph path (the
// same program with the lean path turned off), that the gradient graph is
// built when the trace is reused, and that everything it does not mirror
// falls back to the graph path. Agreement with autograd is checked by the
// differential programs 1840-1842.

import XCTest
@testable import ADL

final class LeanReverseTests: XCTestCase {
    func differentiator(_ vm: VM, _ name: String) -> Differentiator? {
        guard let slot = vm.globals.names.firstIndex(of: name), case .builtin(let b) = vm.globals[slot] else { return nil }
        return b.payload as? Differentiator
    }

    /// Runs `definitions`, makes `g = maker(f)`, and prints `g(args)` three
    /// times (first call, reuse that builds the graph, compiled call), with the
    /// lean path on or off. Returns the printed lines and the differentiator.
    func calls(_ definitions: String, maker: String = "grad(f)", args: String, lean: Bool) throws -> ([String], Differentiator?) {
        let vm = VM()
        _ = try TestPrograms.run(definitions + "\ng = \(maker)\n", vm: vm)
        let d = differentiator(vm, "g")
        d?.allowsLean = lean
        let out = try TestPrograms.run("print(g(\(args)))\nprint(g(\(args)))\nprint(g(\(args)))\n", vm: vm)
        return (out.split(separator: "\n").map(String.init), d)
    }

    /// Scalar functions covering every rule LeanReverse mirrors, with the
    /// identities and constant gathering of GradientOps on the way.
    static let scalarCases: [(String, String)] = [
        ("def f(x):\n    for i in range(50):\n        x = x - 0.01 * sin(x) * x\n    return x", "0.5"),
        ("def f(x):\n    return cos(x) * tan(x) + exp(x) / log(x) - sqrt(x)", "1.3"),
        ("def f(x):\n    return square(x) + abs(x) * sinh(x) - cosh(x) + tanh(x)", "-0.7"),
        ("def f(x):\n    return log1p(x) * expm1(x) + arctan(x) - negative(x) + positive(x) * float(x)", "0.4"),
        ("def f(x):\n    return x ** 2 + x ** 3 + 2 ** x + x ** x + x ** 2.5 - x / (1 + x)", "1.7"),
        ("def f(x):\n    return 3 * (2.5 * (0.1 * x)) + -x * -(-x) + (x * 4) * 0.5 - 7 / x", "0.9"),
        ("def f(x):\n    y = -x\n    return -(-(y * 3)) * x + y * y + sign(x) + floor(x) + ceil(x) * x", "2.2"),
        ("def f(x):\n    if x > 1:\n        return x * x * x\n    return 1 - x // 2 + x % 3 * 0", "1.5"),
        ("def f(x):\n    s = 0.0\n    for i in range(20):\n        s = s + x * i - s * 0.5\n    return s / 3", "0.25"),
        ("def f(x):\n    return 0.0 * x + 1.0 * x - x * 0 + x / 1", "3.0"),
        ("def f(x):\n    return abs(x)", "0.0"),
    ]

    func testTheLeanSweepGivesTheGraphPathsNumbersBitForBit() throws {
        for (definition, x) in LeanReverseTests.scalarCases {
            let (lean, dl) = try calls(definition, args: x, lean: true)
            let (graph, dg) = try calls(definition, args: x, lean: false)
            XCTAssertEqual(dl?.leanRuns, 1, definition)
            XCTAssertEqual(dg?.leanRuns, 0, definition)
            XCTAssertEqual(lean[0], graph[0], definition)
            // The reuse built the gradient graph once and ran the compiled trace.
            XCTAssertEqual(dl?.deferredGraphs, 1, definition)
            XCTAssertEqual(dl?.traceCount, 1, definition)
            XCTAssertEqual(lean[1], graph[1], definition)
            XCTAssertEqual(lean[2], graph[2], definition)
        }
    }

    func testValueAndGradArgnumsKeywordsAndClosures() throws {
        let definition = "k = 0.3\ndef f(a, b, c=2.0):\n    return sin(a * b) * c + k * b"
        let maker = "value_and_grad(f, argnums=(0, 1))"
        let (lean, d) = try calls(definition, maker: maker, args: "0.5, 1.5, c=3.0", lean: true)
        let (graph, _) = try calls(definition, maker: maker, args: "0.5, 1.5, c=3.0", lean: false)
        XCTAssertEqual(d?.leanRuns, 1)
        XCTAssertEqual(lean, graph)
        // d/da = c b cos(ab), d/db = c a cos(ab) + k
        let vm = VM()
        let text = try TestPrograms.run(definition + "\nv, (ga, gb) = \(maker)(0.5, 1.5, c=3.0)\nprint(v - (3 * sin(0.75) + 0.45), ga - 4.5 * cos(0.75), gb - (1.5 * cos(0.75) + 0.3))\n", vm: vm)
        for part in text.split(separator: " ") {
            XCTAssertEqual(Double(part.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 1, 0, accuracy: 1e-14, text)
        }
    }

    func testAFlippedBranchRetracesWithTheLeanSweepEachTime() throws {
        let vm = VM()
        let out = try TestPrograms.run("""
        def f(x):
            if x > 0:
                return x ** 2
            return -3 * x
        g = grad(f)
        print(g(2.0), g(-1.0), g(5.0), g(-2.0))

        """, vm: vm)
        XCTAssertEqual(out, "4.0 -3.0 10.0 -3.0\n")
        let d = differentiator(vm, "g")
        XCTAssertEqual(d?.traceCount, 2)
        XCTAssertEqual(d?.leanRuns, 2)
        XCTAssertEqual(d?.deferredGraphs, 2)
    }

    func testDisAfterALeanFirstCallShowsTheCompiledGradient() throws {
        let vm = VM()
        _ = try TestPrograms.run("def f(x):\n    return sin(x) * x\ng = grad(f)\ng(1.0)\n", vm: vm)
        XCTAssertEqual(differentiator(vm, "g")?.leanRuns, 1)
        let text = try TestPrograms.run("dis(g, 1.0)\n", vm: vm)
        XCTAssertTrue(text.contains("cos"), text)
        XCTAssertEqual(differentiator(vm, "g")?.deferredGraphs, 1)
        XCTAssertEqual(try TestPrograms.run("print(g(1.0))\n", vm: vm), "\(Formatting.repr(.float(cos(1.0) * 1.0 + sin(1.0))))\n")
    }

    /// What the sweep does not mirror takes the graph path, and is still right.
    func testFallbacksTakeTheGraphPath() throws {
        let cases: [(String, String, String)] = [
            // An array argument.
            ("g = grad(lambda x: sum(sin(x)))", "g(array([0.0, 1.0]))", "array([1.        , 0.54030231])"),
            // where (its NaN-free masking), indexing, maximum, a builtin with a keyword.
            ("g = grad(lambda x: where(x > 0, sqrt(x), 0.0))", "g(-1.0)", "0.0"),
            ("g = grad(lambda x: maximum(x, 1.0) * x)", "g(1.0)", "1.5"),
            ("g = grad(lambda x: sum(array([x, 2 * x])))", "g(1.0)", "3.0"),
            ("g = grad(lambda x: round(x * 2.0, decimals=1) + x)", "g(1.0)", "1.0"),
            // elementwise_grad and vjp are not the plain gradient.
            ("g = elementwise_grad(lambda x: x * x)", "g(3.0)", "6.0"),
        ]
        for (make, call, expected) in cases {
            let vm = VM()
            let out = try TestPrograms.run(make + "\n" + call + "\n", vm: vm)
            XCTAssertEqual(out, expected + "\n", make)
            XCTAssertEqual(differentiator(vm, "g")?.leanRuns, 0, make)
        }
    }

    func testNestedGradientsAgreeWithTheGraphPath() throws {
        let source = """
        def f(x):
            return sin(x) * x ** 3
        print(grad(grad(f))(0.7), hessian(f)(0.7), grad(grad(grad(f)))(0.7))

        """
        let lean = try TestPrograms.run(source)
        // f'' = -sin x x³ + 6 cos x x² + 6 sin x x
        let x = 0.7
        let second = -sin(x) * x * x * x + 6 * cos(x) * x * x + 6 * sin(x) * x
        let parts = lean.split(separator: " ").map { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .nan }
        XCTAssertEqual(parts[0], second, accuracy: 1e-12)
        XCTAssertEqual(parts[1], second, accuracy: 1e-12)
        // f''' = -cos x x³ - 9 sin x x² + 18 cos x x + 6 sin x
        XCTAssertEqual(parts[2], -cos(x) * x * x * x - 9 * sin(x) * x * x + 18 * cos(x) * x + 6 * sin(x), accuracy: 1e-12)
    }
}
