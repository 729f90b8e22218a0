// Every gradient rule against central finite differences (`checkgrad`), first
// and second order, over the shapes (), (2,), (3,2), (1,2) and broadcasting
// pairs. One line per primitive; inputs are deterministic and inside each
// function's domain.

import XCTest
@testable import ADL

final class GradientRuleTests: XCTestCase {
    /// (name, ADL expression in `x`, lowest input, highest input)
    static let unary: [(String, String, Double, Double)] = [
        ("negate", "-x", -2, 2), ("plus", "+x", -2, 2), ("add const", "x + 1.5", -2, 2),
        ("sub const", "2.0 - x", -2, 2), ("mul const", "x * 3", -2, 2), ("div const", "x / 3", -2, 2),
        ("rdiv", "3 / x", 0.5, 2), ("pow 2", "x ** 2", -2, 2), ("pow 3", "x ** 3", -2, 2),
        ("pow 0.5", "x ** 0.5", 0.5, 2), ("rpow", "2.0 ** x", -1, 1), ("xpowx", "x ** x", 0.5, 2),
        ("mod", "x % 0.7", 0.1, 0.6),
        ("sin", "sin(x)", -2, 2), ("cos", "cos(x)", -2, 2), ("tan", "tan(x)", -1, 1),
        ("exp", "exp(x)", -2, 2), ("exp2", "exp2(x)", -2, 2), ("expm1", "expm1(x)", -2, 2),
        ("log", "log(x)", 0.5, 3), ("log2", "log2(x)", 0.5, 3), ("log10", "log10(x)", 0.5, 3),
        ("log1p", "log1p(x)", -0.5, 2), ("sqrt", "sqrt(x)", 0.5, 3), ("square", "square(x)", -2, 2),
        ("abs", "abs(x)", 0.3, 2), ("abs negative", "abs(x)", -2, -0.3),
        ("arcsin", "arcsin(x)", -0.8, 0.8), ("arccos", "arccos(x)", -0.8, 0.8), ("arctan", "arctan(x)", -2, 2),
        ("sinh", "sinh(x)", -2, 2), ("cosh", "cosh(x)", -2, 2), ("tanh", "tanh(x)", -2, 2),
        ("arcsinh", "arcsinh(x)", -2, 2), ("arccosh", "arccosh(x)", 1.5, 3), ("arctanh", "arctanh(x)", -0.8, 0.8),
        ("maximum", "maximum(x, 0.1)", -2, 2), ("minimum", "minimum(x, 0.1)", -2, 2),
        ("max2", "max(x, 0.1)", -2, 2), ("hypot", "hypot(x, 1.5)", -2, 2), ("arctan2", "arctan2(x, 1.5)", -2, 2),
        ("arctan2 x", "arctan2(1.5, x)", 0.5, 2), ("logaddexp", "logaddexp(x, 0.5)", -2, 2),
        ("where", "where(x > 0, x ** 2, -x)", -2, 2), ("clip", "clip(x, -1.0, 1.0)", -2, 2),
        ("power", "power(x, 3)", -2, 2), ("multiply", "multiply(x, x)", -2, 2), ("divide", "divide(1, x)", 0.5, 2),
        ("float", "x * float(2)", -2, 2), ("sum", "sum(x) * x", -2, 2), ("mean", "mean(x) * x", -2, 2),
        ("prod", "prod(x) + x", 0.5, 2), ("max", "max(x) + x", -2, 2), ("min", "min(x) * x", -2, 2),
        ("reshape", "reshape(x, (-1,)) ** 2", -2, 2), ("ravel", "ravel(x) ** 3", -2, 2),
        ("transpose", "transpose(x) ** 2", -2, 2), (".T", "x.T * x.T", -2, 2),
        ("array display", "array([x, 2 * x]) ** 2", -2, 2),
        ("std", "std(x) * x", -2, 2), ("var", "var(x) + x", -2, 2), ("cumsum", "cumsum(x) ** 2", -2, 2),
        ("cumprod", "cumprod(x)", 0.5, 2), ("logsumexp", "logsumexp(x) * x", -2, 2),
        ("softmax", "softmax(ravel(x))", -2, 2), ("log_softmax", "log_softmax(ravel(x))", -2, 2),
        ("sigmoid", "sigmoid(x)", -3, 3), ("concatenate", "concatenate((ravel(x), ravel(x) ** 2))", -2, 2),
        ("stack", "stack((x, x ** 3))", -2, 2), ("hstack", "hstack((ravel(x), ravel(x) * 2))", -2, 2),
        ("vstack", "vstack((ravel(x), ravel(x) ** 2))", -2, 2), ("tile", "tile(x, 2) ** 2", -2, 2),
        ("repeat", "repeat(x, 2) ** 3", -2, 2), ("pad", "pad(ravel(x), 1) ** 2 + 1", -2, 2),
        ("flip", "flip(x) * x", -2, 2), ("expand_dims", "expand_dims(x, 0) ** 2", -2, 2),
        ("squeeze", "squeeze(expand_dims(x, 0)) ** 2", -2, 2), ("norm", "norm(x) * x", 0.5, 2),
        ("broadcast_to", "broadcast_to(x, (2,) + shape(x)) ** 2", -2, 2),
        ("index_add", "index_add(x, (0,), x[0] * 2) if ndim(x) > 0 else x * 2", -2, 2),
    ]

    /// Functions of a square matrix: (name, expression in `A`).
    static let matrix: [(String, String)] = [
        ("inv", "linalg.inv(A)"), ("solve vector", "linalg.solve(A, array([1.0, -2.0, 0.5]))"),
        ("solve matrix", "linalg.solve(A, A.T)"), ("det", "linalg.det(A)"), ("slogdet", "linalg.slogdet(A)[1]"),
        ("cholesky", "linalg.cholesky(A @ A.T + 3 * eye(3))"), ("trace", "trace(A @ A)"), ("diag", "diag(A) ** 2"),
        ("diag offset", "diag(A, 1) ** 2"), ("tril", "tril(A) ** 2"), ("triu", "triu(A, 1) ** 2"),
        ("inner", "inner(A, A)"), ("outer", "outer(A[0], A[1])"), ("matrix norm", "norm(A)"),
        ("swapaxes", "swapaxes(A, 0, 1) @ A"), ("matmul", "A @ A @ A"), ("dot", "dot(A, A[:, 0])"),
    ]

    /// Binary operators on broadcasting pairs: (name, expression in `x` and `y`).
    static let binary: [(String, String)] = [
        ("+", "x + y"), ("-", "x - y"), ("*", "x * y"), ("/", "x / (y + 3)"), ("**", "(x + 3) ** y"),
        ("maximum", "maximum(x, y)"), ("minimum", "minimum(x, y)"), ("hypot", "hypot(x, y)"),
        ("arctan2", "arctan2(x, y + 3)"), ("logaddexp", "logaddexp(x, y)"), ("where", "where(x > y, x * y, x - y)"),
    ]

    static let shapes = ["()", "(2,)", "(3, 2)", "(1, 2)"]
    static let pairs = [("(3, 2)", "(2,)"), ("(1, 2)", "(3, 1)"), ("()", "(2,)"), ("(2,)", "()"), ("(2, 3)", "(2, 3)")]

    /// Runs `source` and returns what it printed.
    func run(_ source: String) throws -> String {
        try TestPrograms.run(source, name: "<rule>", echo: false)
    }

    /// An input of `shape` spread over [lo, hi] without repeated values (no ties, no kinks).
    static func input(_ shape: String, _ lo: Double, _ hi: Double) -> String {
        "_n = max(size(zeros(\(shape))), 1)\n"
            + "x0 = reshape(linspace(\(lo), \(hi), _n + 2)[1:-1] + 0.0123, \(shape))\n"
    }

    func testUnaryRulesFirstAndSecondOrder() throws {
        for (name, expr, lo, hi) in Self.unary {
            for shape in Self.shapes {
                if expr.contains("x.T") && shape == "()" { continue }
                let source = Self.input(shape, lo, hi) + """
                w = reshape(cos(arange(size(x0) * 1.0) + 0.5), shape(x0))
                f = lambda x: sum(sin(\(expr))) + 0.1 * sum((\(expr)) ** 2)
                print(checkgrad(f, x0) < 1e-6)
                g = grad(f)
                h = lambda x: sum(g(x) * w)
                print(checkgrad(h, x0) < 1e-5)

                """
                XCTAssertEqual(try run(source), "True\nTrue\n", "[\(name) over \(shape)]")
            }
        }
    }

    func testMatrixRulesFirstAndSecondOrder() throws {
        for (name, expr) in Self.matrix {
            let source = """
            A0 = array([[2.0, 0.3, -0.4], [0.1, 1.5, 0.2], [-0.3, 0.25, 1.8]])
            W = reshape(cos(arange(9.0)), (3, 3))
            f = lambda A: sum(sin(\(expr)))
            print(checkgrad(f, A0) < 1e-6)
            g = grad(f)
            h = lambda A: sum(g(A) * W)
            print(checkgrad(h, A0) < 1e-5)

            """
            XCTAssertEqual(try run(source), "True\nTrue\n", "[\(name)]")
        }
    }

    func testBinaryRulesOverBroadcastingPairs() throws {
        for (name, expr) in Self.binary {
            for (sx, sy) in Self.pairs {
                let source = """
                x0 = reshape(linspace(-1.3, 1.1, max(size(zeros(\(sx))), 1)), \(sx)) + 0.05
                y0 = reshape(linspace(0.7, -0.9, max(size(zeros(\(sy))), 1)), \(sy))
                F = lambda x, y: sum(sin(\(expr)))
                fx = lambda x: F(x, y0)
                fy = lambda y: F(x0, y)
                print(checkgrad(fx, x0) < 1e-6, checkgrad(fy, y0) < 1e-6)
                print(shape(grad(fx)(x0)) == shape(x0), shape(grad(fy)(y0)) == shape(y0))
                hx = lambda x: sum(grad(fx)(x) * 0.3)
                print(checkgrad(hx, x0) < 1e-5)

                """
                XCTAssertEqual(try run(source), "True True\nTrue True\nTrue\n", "[\(name) over \(sx) with \(sy)]")
            }
        }
    }

    func testCheckgradOverABigArrayIsInterruptible() throws {
        // 2 · 200000 calls of prod over 200000 elements: far longer than the timer. prod is a
        // builtin (no instruction of ours runs in it), so checkgrad itself must poll Ctrl-C.
        let error = TestPrograms.failure("x = ones(200000)\nprint(checkgrad(prod, x))", ctrlCAfter: 0.3)
        XCTAssertEqual(error?.kind, .interrupt)
        XCTAssertEqual(error?.location?.line, 2)
    }
}
