// The autodiff machinery seen from programs: caching by shapes, guards that
// retrace when a branch flips, globals and closures that change between calls,
// nesting, and the errors.

import XCTest
@testable import ADL

final class AutodiffTests: XCTestCase {
    func run(_ source: String, vm: VM = VM()) throws -> String {
        try TestPrograms.run(source, vm: vm)
    }

    /// The Differentiator behind global `name` (a gradient function).
    func differentiator(_ vm: VM, _ name: String) -> Differentiator? {
        guard let slot = vm.globals.names.firstIndex(of: name), case .builtin(let b) = vm.globals[slot] else { return nil }
        return b.payload as? Differentiator
    }

    func testSameShapesReuseTheCompiledTraceNewShapesRetrace() throws {
        let vm = VM()
        XCTAssertEqual(try run("g = grad(lambda x: sum(x ** 3))\ng(arange(3))\ng(ones(3))\n", vm: vm),
                       "array([ 0.,  3., 12.])\narray([3., 3., 3.])\n")
        XCTAssertEqual(differentiator(vm, "g")?.traceCount, 1)
        XCTAssertEqual(try run("g(ones(4))\ng(2.0)\ng(arange(3))\n", vm: vm), "array([3., 3., 3., 3.])\n12.0\narray([ 0.,  3., 12.])\n")
        XCTAssertEqual(differentiator(vm, "g")?.traceCount, 3)
    }

    func testAFlippedBranchRetracesAndIsNeverStale() throws {
        let vm = VM()
        let source = """
        def f(x):
            if x > 0:
                return x ** 2
            return -3 * x
        g = grad(f)
        print(g(2.0), g(-1.0), g(5.0), g(-2.0))

        """
        XCTAssertEqual(try run(source, vm: vm), "4.0 -3.0 10.0 -3.0\n")
        // Both branches are cached now: no more tracing.
        XCTAssertEqual(try run("print(g(1.5), g(-7.0))\n", vm: vm), "3.0 -3.0\n")
        XCTAssertLessThanOrEqual(differentiator(vm, "g")?.traceCount ?? 99, 4)
    }

    func testALoopWhoseTripCountDependsOnTheValue() throws {
        let source = """
        def f(x):
            while x < 10:
                x = x * 2
            return x
        g = grad(f)
        print(g(1.5), g(3.0), g(1.5), g(20.0))

        """
        XCTAssertEqual(try run(source), "8.0 4.0 8.0 1.0\n")
    }

    func testGlobalsAndClosuresReadFreshValues() throws {
        let source = """
        w = 2.0
        g = grad(lambda x: w * x)
        print(g(1.0))
        w = 3.0
        print(g(1.0))
        W = ones(3)
        h = grad(lambda x: sum(W * x))
        print(h(ones(3)))
        W[0] = 5
        print(h(ones(3)))
        def make(c):
            return grad(lambda x: c * x ** 2)
        print(make(1.0)(1.0), make(4.0)(1.0))

        """
        XCTAssertEqual(try run(source), "2.0\n3.0\n[1. 1. 1.]\n[5. 1. 1.]\n2.0 8.0\n")
    }

    func testNestedGradientsAndClosuresOverTracedValues() throws {
        XCTAssertEqual(try run("grad(grad(lambda x: x ** 4))(2.0)\n"), "48.0\n")
        XCTAssertEqual(try run("grad(grad(grad(lambda x: sin(x))))(0.0)\n"), "-1.0\n")
        XCTAssertEqual(try run("grad(lambda x: grad(lambda y: x * y ** 2)(x))(3.0)\n"), "12.0\n")
        XCTAssertEqual(try run("hessian(lambda x: sum(x ** 3))(array([1.0, 2.0]))\n"),
                       "array([[ 6.,  0.],\n       [ 0., 12.]])\n")
    }

    func testStopGradientAndWhereConventions() throws {
        XCTAssertEqual(try run("grad(lambda x: x * stop_gradient(x))(3.0)\n"), "3.0\n")
        XCTAssertEqual(try run("grad(lambda x: where(x >= 0, x, sqrt(-x)))(1.0)\n"), "1.0\n")
        XCTAssertEqual(try run("grad(lambda x: abs(x))(0.0)\ngrad(lambda x: sqrt(x))(0.0)\n"), "0.0\ninf\n")
        XCTAssertEqual(try run("grad(lambda x: sum(maximum(x, 1.0)))(array([1.0, 2.0]))\n"), "array([0.5, 1. ])\n")
    }

    func testIndexAssignmentInsideTheFunction() throws {
        let source = """
        def f(x):
            y = zeros(3)
            y[0] = x[1]
            y[1:] = x[:2] ** 2
            return sum(y * arange(3))
        grad(f)(array([1.0, 2.0, 3.0]))

        """
        XCTAssertEqual(try run(source), "array([2., 8., 0.])\n")
    }

    // jacobian and hessian batch the vjp over all the unit cotangents (Batching.swift):
    // expected values are the analytic derivatives.
    func testHessianRunsBatchedAndIsNeverStale() throws {
        let vm = VM()
        let source = """
        def f(x):
            return sum(x ** 4) + sum(x[1:] * x[:-1])
        h = hessian(f)
        x = array([1.0, 2.0, 3.0])
        ref = array([[12.0, 1.0, 0.0], [1.0, 48.0, 1.0], [0.0, 1.0, 108.0]])
        print(max(abs(h(x) - ref)), max(abs(h(x) - ref)))
        print(max(abs(h(array([-1.0, 0.0, 2.0])) - array([[12.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 48.0]]))))
        print(max(abs(h(x) - ref)), hessian(lambda t: t ** 3)(2.0))

        """
        XCTAssertEqual(try run(source, vm: vm), "0.0 0.0\n0.0\n0.0 12.0\n")
        XCTAssertEqual(differentiator(vm, "h")?.batchedRuns, 4)
        XCTAssertEqual(differentiator(vm, "h")?.traceCount, 1)
    }

    func testBatchedJacobianFollowsBranchesAndGlobals() throws {
        let vm = VM()
        let source = """
        def f(x):
            if sum(x) > 0:
                return sum(x ** 3)
            return sum(x ** 2)
        h = hessian(f)
        print(max(abs(h(array([1.0, 2.0])) - diag(array([6.0, 12.0])))))
        print(max(abs(h(array([-1.0, -2.0])) - diag(array([2.0, 2.0])))))
        print(max(abs(h(array([1.0, 2.0])) - diag(array([6.0, 12.0])))))
        A = array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        j = jacobian(lambda x: A @ x)
        print(max(abs(j(ones(3)) - A)))
        A = A * 2
        print(max(abs(j(ones(3)) - A)), j(ones(3)).shape)

        """
        XCTAssertEqual(try run(source, vm: vm), "0.0\n0.0\n0.0\n0.0\n0.0 (2, 3)\n")
        XCTAssertEqual(differentiator(vm, "h")?.batchedRuns, 3)
        XCTAssertEqual(differentiator(vm, "j")?.batchedRuns, 3)
    }

    func testAJacobianThatCannotBatchLoopsOverTheCotangents() throws {
        let vm = VM()
        let source = """
        def f(x):
            y = zeros(2)
            y[0] = x[0] * x[1]
            y[1] = x[0]
            return y
        j = jacobian(f)
        print(max(abs(j(array([2.0, 3.0])) - array([[3.0, 2.0], [1.0, 0.0]]))))
        print(max(abs(j(array([5.0, 7.0])) - array([[7.0, 5.0], [1.0, 0.0]]))))

        """
        XCTAssertEqual(try run(source, vm: vm), "0.0\n0.0\n")
        XCTAssertEqual(differentiator(vm, "j")?.batchedRuns, 0)
    }

    func testErrors() {
        func message(_ source: String) -> String {
            do { _ = try run(source); return "no error" } catch let e as ADLError { return e.message } catch { return "\(error)" }
        }
        XCTAssertTrue(message("grad(lambda x: x * 2)(arange(3))").contains("jacobian"))
        XCTAssertTrue(message("grad(lambda x: x * 2)(arange(3))").contains("elementwise_grad"))
        XCTAssertTrue(message("grad(lambda x, y: x * y, argnums=2)(1.0, 2.0)").contains("argnums 2 is out of range"))
        XCTAssertTrue(message("grad(lambda x: x)(\"s\")").contains("can't differentiate"))
        XCTAssertTrue(message("grad(3)").contains("needs a function"))
    }
}
