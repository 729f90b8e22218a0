// Documentation of the elementwise builtins (see Docs.swift for the format).
// Every function here works on numbers (giving a number) and on arrays of any
// shape (giving an array of that shape); binary ones broadcast as NumPy does.

extension Docs {
    static let elementwise: [BuiltinDoc] = [
        BuiltinDoc(
            "abs", "abs(x)",
            """
            The absolute value, elementwise (np.abs); abs(-0.0) is 0.0 and abs(nan) is nan. On an int it \
            gives an int, like Python's abs.
            """,
            example: """
                >>> abs(array([-1.5, 0.0, 2.0]))
                array([1.5, 0. , 2. ])
                >>> abs(-3)
                3
                """),
        BuiltinDoc(
            "absolute", "absolute(x)",
            """
            The absolute value, elementwise: the same function as abs (NumPy's name for it).
            """,
            example: """
                >>> absolute(array([-1.5, 2.0]))
                array([1.5, 2. ])
                >>> absolute(-3)
                3
                """),
        BuiltinDoc(
            "fabs", "fabs(x)",
            """
            The absolute value as a float, elementwise (np.fabs): fabs(-3) is 3.0.
            """,
            example: """
                >>> fabs(array([-1.5, 2.0]))
                array([1.5, 2. ])
                >>> fabs(-3)
                3.0
                """),
        BuiltinDoc(
            "sign", "sign(x)",
            """
            -1.0, 0.0 or 1.0 by the sign of x, elementwise (np.sign); sign(nan) is nan and sign(-0.0) is \
            0.0.
            """,
            example: """
                >>> sign(array([-2.5, 0.0, 3.0, nan]))
                array([-1.,  0.,  1., nan])
                >>> sign(-0.0)
                0.0
                """),
        BuiltinDoc(
            "negative", "negative(x)",
            """
            -x, elementwise (np.negative): the unary minus operator as a function.
            """,
            example: """
                >>> negative(array([1.0, -2.0, 0.0]))
                array([-1.,  2., -0.])
                """),
        BuiltinDoc(
            "positive", "positive(x)",
            """
            +x, elementwise (np.positive): a copy of x as floats.
            """,
            example: """
                >>> positive(array([1.0, -2.0]))
                array([ 1., -2.])
                """),
        BuiltinDoc(
            "sqrt", "sqrt(x)",
            """
            The square root, elementwise (np.sqrt); sqrt(-0.0) is -0.0 and a negative x gives nan (no \
            error), as in NumPy.
            """,
            example: """
                >>> sqrt(array([4.0, 2.0, -1.0]))
                array([2.        , 1.41421356,        nan])
                >>> sqrt(-0.0)
                -0.0
                """),
        BuiltinDoc(
            "square", "square(x)",
            """
            x * x, elementwise (np.square).
            """,
            example: """
                >>> square(array([1.5, -2.0, 3.0]))
                array([2.25, 4.  , 9.  ])
                """),
        BuiltinDoc(
            "exp", "exp(x)",
            """
            e to the power x, elementwise (np.exp); overflows to inf above 709.78, exp(-inf) is 0.0.
            """,
            example: """
                >>> exp(array([0.0, 1.0, -inf]))
                array([1.        , 2.71828183, 0.        ])
                >>> exp(1000.0)
                inf
                """),
        BuiltinDoc(
            "exp2", "exp2(x)",
            """
            2 to the power x, elementwise (np.exp2).
            """,
            example: """
                >>> exp2(array([0.0, 0.5, 10.0]))
                array([1.00000000e+00, 1.41421356e+00, 1.02400000e+03])
                """),
        BuiltinDoc(
            "expm1", "expm1(x)",
            """
            exp(x) - 1, elementwise (np.expm1), accurate for small x where exp(x) - 1 would lose digits.
            """,
            example: """
                >>> expm1(1e-10)
                1.00000000005e-10
                >>> expm1(array([0.0, 1.0]))
                array([0.        , 1.71828183])
                """),
        BuiltinDoc(
            "log", "log(x)",
            """
            The natural logarithm, elementwise (np.log): log(0.0) is -inf, a negative x gives nan (no \
            error).
            """,
            example: """
                >>> log(array([1.0, e, 0.0]))
                array([  0.,   1., -inf])
                >>> log(-1.0)
                nan
                """),
        BuiltinDoc(
            "log2", "log2(x)",
            """
            The base-2 logarithm, elementwise (np.log2); log2(0.0) is -inf, a negative x gives nan.
            """,
            example: """
                >>> log2(array([1.0, 8.0, 0.5]))
                array([ 0.,  3., -1.])
                """),
        BuiltinDoc(
            "log10", "log10(x)",
            """
            The base-10 logarithm, elementwise (np.log10); log10(0.0) is -inf, a negative x gives nan.
            """,
            example: """
                >>> log10(array([1.0, 1000.0, 0.01]))
                array([ 0.,  3., -2.])
                """),
        BuiltinDoc(
            "log1p", "log1p(x)",
            """
            log(1 + x), elementwise (np.log1p), accurate for small x; log1p(-1.0) is -inf, below -1 it is \
            nan.
            """,
            example: """
                >>> log1p(1e-10)
                9.999999999500001e-11
                >>> log1p(array([0.0, e - 1, -1.0]))
                array([  0.,   1., -inf])
                """),
        BuiltinDoc(
            "sin", "sin(x)",
            """
            The sine of x in radians, elementwise (np.sin); sin(inf) is nan.
            """,
            example: """
                >>> sin(array([0.0, pi / 2, pi / 6]))
                array([0. , 1. , 0.5])
                """),
        BuiltinDoc(
            "cos", "cos(x)",
            """
            The cosine of x in radians, elementwise (np.cos); cos(inf) is nan.
            """,
            example: """
                >>> cos(array([0.0, pi, pi / 3]))
                array([ 1. , -1. ,  0.5])
                """),
        BuiltinDoc(
            "tan", "tan(x)",
            """
            The tangent of x in radians, elementwise (np.tan).
            """,
            example: """
                >>> tan(array([0.0, pi / 4]))
                array([0., 1.])
                """),
        BuiltinDoc(
            "arcsin", "arcsin(x)",
            """
            The inverse sine in radians, elementwise (np.arcsin); outside [-1, 1] it is nan.
            """,
            example: """
                >>> arcsin(array([0.0, 1.0, 2.0]))
                array([0.        , 1.57079633,        nan])
                """),
        BuiltinDoc(
            "arccos", "arccos(x)",
            """
            The inverse cosine in radians, elementwise (np.arccos); outside [-1, 1] it is nan.
            """,
            example: """
                >>> arccos(array([1.0, 0.0, -1.0]))
                array([0.        , 1.57079633, 3.14159265])
                """),
        BuiltinDoc(
            "arctan", "arctan(x)",
            """
            The inverse tangent in radians, elementwise (np.arctan); arctan(inf) is pi/2.
            """,
            example: """
                >>> arctan(array([0.0, 1.0, inf]))
                array([0.        , 0.78539816, 1.57079633])
                """),
        BuiltinDoc(
            "arctan2", "arctan2(x1, x2)",
            """
            The angle of the point (x2, x1) in radians, in [-pi, pi], elementwise with broadcasting \
            (np.arctan2): the signs of both arguments choose the quadrant, arctan2(0.0, -0.0) is pi.
            """,
            example: """
                >>> arctan2(1.0, -1.0)
                2.356194490192345
                >>> arctan2(array([1.0, -1.0]), array([0.0, 0.0]))
                array([ 1.57079633, -1.57079633])
                """),
        BuiltinDoc(
            "sinh", "sinh(x)",
            """
            The hyperbolic sine, elementwise (np.sinh).
            """,
            example: """
                >>> sinh(array([0.0, 1.0, -1.0]))
                array([ 0.        ,  1.17520119, -1.17520119])
                """),
        BuiltinDoc(
            "cosh", "cosh(x)",
            """
            The hyperbolic cosine, elementwise (np.cosh).
            """,
            example: """
                >>> cosh(array([0.0, 1.0]))
                array([1.        , 1.54308063])
                """),
        BuiltinDoc(
            "tanh", "tanh(x)",
            """
            The hyperbolic tangent, elementwise (np.tanh); it tends to +-1.0 and keeps the sign of zero.
            """,
            example: """
                >>> tanh(array([0.0, 0.5, 20.0, -inf]))
                array([ 0.        ,  0.46211716,  1.        , -1.        ])
                """),
        BuiltinDoc(
            "arcsinh", "arcsinh(x)",
            """
            The inverse hyperbolic sine, elementwise (np.arcsinh).
            """,
            example: """
                >>> arcsinh(array([0.0, 1.0]))
                array([0.        , 0.88137359])
                """),
        BuiltinDoc(
            "arccosh", "arccosh(x)",
            """
            The inverse hyperbolic cosine, elementwise (np.arccosh); below 1 it is nan.
            """,
            example: """
                >>> arccosh(array([1.0, 2.0, 0.5]))
                array([0.       , 1.3169579,       nan])
                """),
        BuiltinDoc(
            "arctanh", "arctanh(x)",
            """
            The inverse hyperbolic tangent, elementwise (np.arctanh); arctanh(1.0) is inf, outside [-1, 1] \
            it is nan.
            """,
            example: """
                >>> arctanh(array([0.0, 0.5, 1.0, 2.0]))
                array([0.        , 0.54930614,        inf,        nan])
                """),
        BuiltinDoc(
            "hypot", "hypot(x1, x2)",
            """
            sqrt(x1**2 + x2**2) without overflow, elementwise with broadcasting (np.hypot); hypot(inf, nan) \
            is inf.
            """,
            example: """
                >>> hypot(3.0, 4.0)
                5.0
                >>> hypot(array([3.0, 5.0]), 12.0)
                array([12.36931688, 13.        ])
                """),
        BuiltinDoc(
            "logaddexp", "logaddexp(x1, x2)",
            """
            log(exp(x1) + exp(x2)) without overflow, elementwise with broadcasting (np.logaddexp).
            """,
            example: """
                >>> logaddexp(0.0, 0.0)
                0.6931471805599453
                >>> logaddexp(array([1000.0, -inf]), 1000.0)
                array([1000.69314718, 1000.        ])
                """),
        BuiltinDoc(
            "floor", "floor(x)",
            """
            The largest integer not above x, as a float, elementwise (np.floor).
            """,
            example: """
                >>> floor(array([1.7, -1.2, -0.5]))
                array([ 1., -2., -1.])
                """),
        BuiltinDoc(
            "ceil", "ceil(x)",
            """
            The smallest integer not below x, as a float, elementwise (np.ceil); ceil(-0.5) is -0.0.
            """,
            example: """
                >>> ceil(array([1.2, -1.7, -0.5]))
                array([ 2., -1., -0.])
                """),
        BuiltinDoc(
            "round", "round(a, decimals=0)",
            """
            Rounds to `decimals` places, halves to even, elementwise (np.round), always a float. As NumPy it \
            computes rint(a * 10**decimals) / 10**decimals (round(0.125, 2) is 0.12), so a * 10**decimals \
            may overflow to inf; negative decimals round to tens, hundreds, ...
            """,
            example: """
                >>> round(array([0.5, 1.5, 2.5, -0.5]))
                array([ 0.,  2.,  2., -0.])
                >>> round(0.125, 2)
                0.12
                >>> round(1234.5, -2)
                1200.0
                >>> round(3)
                3.0
                """),
        BuiltinDoc(
            "isnan", "isnan(x)",
            """
            True where x is nan, elementwise (np.isnan): a bool array, or a bool for a number.
            """,
            example: """
                >>> isnan(array([1.0, nan, inf]))
                array([False,  True, False])
                >>> isnan(nan)
                True
                """),
        BuiltinDoc(
            "isinf", "isinf(x)",
            """
            True where x is inf or -inf, elementwise (np.isinf).
            """,
            example: """
                >>> isinf(array([1.0, nan, inf, -inf]))
                array([False, False,  True,  True])
                """),
        BuiltinDoc(
            "isfinite", "isfinite(x)",
            """
            True where x is neither nan nor infinite, elementwise (np.isfinite).
            """,
            example: """
                >>> isfinite(array([1.0, nan, inf]))
                array([ True, False, False])
                """),
        BuiltinDoc(
            "add", "add(x1, x2)",
            """
            x1 + x2, elementwise with broadcasting (np.add); on two bool arrays it is logical or, like the + \
            operator.
            """,
            example: """
                >>> add(array([1.0, 2.0]), 10.0)
                array([11., 12.])
                >>> add(array([[1.0], [2.0]]), array([10.0, 20.0]))
                array([[11., 21.],
                       [12., 22.]])
                """),
        BuiltinDoc(
            "subtract", "subtract(x1, x2)",
            """
            x1 - x2, elementwise with broadcasting (np.subtract).
            """,
            example: """
                >>> subtract(array([5.0, 7.0]), array([1.0, 2.0]))
                array([4., 5.])
                """),
        BuiltinDoc(
            "multiply", "multiply(x1, x2)",
            """
            x1 * x2, elementwise with broadcasting (np.multiply); not a matrix product (see matmul).
            """,
            example: """
                >>> multiply(array([1.0, 2.0, 3.0]), 2.0)
                array([2., 4., 6.])
                """),
        BuiltinDoc(
            "divide", "divide(x1, x2)",
            """
            x1 / x2, elementwise with broadcasting (np.divide): division by zero gives inf, -inf or nan, \
            never an error.
            """,
            example: """
                >>> divide(array([1.0, -1.0, 0.0]), 0.0)
                array([ inf, -inf,  nan])
                >>> divide(7, 2)
                3.5
                """),
        BuiltinDoc(
            "true_divide", "true_divide(x1, x2)",
            """
            x1 / x2, elementwise: the same function as divide.
            """,
            example: """
                >>> true_divide(array([1.0, 3.0]), 2.0)
                array([0.5, 1.5])
                """),
        BuiltinDoc(
            "floor_divide", "floor_divide(x1, x2)",
            """
            The floor of x1 / x2, elementwise with broadcasting (np.floor_divide), as a float: \
            floor_divide(-7.0, 2.0) is -4.0, division by zero gives inf or nan.
            """,
            example: """
                >>> floor_divide(array([7.0, -7.0]), 2.0)
                array([ 3., -4.])
                >>> floor_divide(1.0, 0.0)
                inf
                """),
        BuiltinDoc(
            "remainder", "remainder(x1, x2)",
            """
            The remainder of x1 / x2 with the sign of x2, elementwise with broadcasting (np.remainder, \
            Python's %); remainder(x, 0.0) is nan.
            """,
            example: """
                >>> remainder(array([7.0, -7.0]), 3.0)
                array([1., 2.])
                >>> remainder(7.0, -3.0)
                -2.0
                """),
        BuiltinDoc(
            "mod", "mod(x1, x2)",
            """
            The remainder of x1 / x2 with the sign of x2: the same function as remainder.
            """,
            example: """
                >>> mod(array([7.0, -7.0]), 3.0)
                array([1., 2.])
                """),
        BuiltinDoc(
            "power", "power(x1, x2)",
            """
            x1 to the power x2, elementwise with broadcasting (np.power); a negative base with a fractional \
            exponent gives nan. A single exponent of 2, 0.5, 1, 0 or -1 is computed as NumPy does (power(x, \
            0.5) is sqrt(x), so power(-0.0, 0.5) is -0.0).
            """,
            example: """
                >>> power(array([1.0, 2.0, 3.0]), 2)
                array([1., 4., 9.])
                >>> power(2.0, array([0.5, -1.0]))
                array([1.41421356, 0.5       ])
                >>> power(-8.0, 1 / 3)
                nan
                """),
        BuiltinDoc(
            "maximum", "maximum(x1, x2)",
            """
            The larger of x1 and x2, elementwise with broadcasting (np.maximum); nan if either is nan (see \
            fmax in NumPy for the other rule).
            """,
            example: """
                >>> maximum(array([1.0, 5.0, nan]), array([3.0, 2.0, 0.0]))
                array([ 3.,  5., nan])
                >>> maximum(array([-1.0, 2.0]), 0.0)
                array([0., 2.])
                """),
        BuiltinDoc(
            "minimum", "minimum(x1, x2)",
            """
            The smaller of x1 and x2, elementwise with broadcasting (np.minimum); nan if either is nan.
            """,
            example: """
                >>> minimum(array([1.0, 5.0, nan]), array([3.0, 2.0, 0.0]))
                array([ 1.,  2., nan])
                """),
        BuiltinDoc(
            "less", "less(x1, x2)",
            """
            x1 < x2, elementwise with broadcasting (np.less): a bool array, or a bool for two numbers; the < \
            operator as a function. Any comparison with nan is False.
            """,
            example: """
                >>> less(array([1.0, 2.0, nan]), 2.0)
                array([ True, False, False])
                """),
        BuiltinDoc(
            "less_equal", "less_equal(x1, x2)",
            """
            x1 <= x2, elementwise with broadcasting (np.less_equal): a bool array, or a bool for two \
            numbers; the <= operator as a function. Any comparison with nan is False.
            """,
            example: """
                >>> less_equal(array([1.0, 2.0, nan]), 2.0)
                array([ True,  True, False])
                """),
        BuiltinDoc(
            "greater", "greater(x1, x2)",
            """
            x1 > x2, elementwise with broadcasting (np.greater): a bool array, or a bool for two numbers; \
            the > operator as a function. Any comparison with nan is False.
            """,
            example: """
                >>> greater(array([1.0, 2.0, nan]), 2.0)
                array([False, False, False])
                """),
        BuiltinDoc(
            "greater_equal", "greater_equal(x1, x2)",
            """
            x1 >= x2, elementwise with broadcasting (np.greater_equal): a bool array, or a bool for two \
            numbers; the >= operator as a function. Any comparison with nan is False.
            """,
            example: """
                >>> greater_equal(array([1.0, 2.0, nan]), 2.0)
                array([False,  True, False])
                """),
        BuiltinDoc(
            "equal", "equal(x1, x2)",
            """
            x1 == x2, elementwise with broadcasting (np.equal): a bool array, or a bool for two numbers; the \
            == operator as a function. Any comparison with nan is False, except not_equal, which is True.
            """,
            example: """
                >>> equal(array([1.0, 2.0, nan]), 2.0)
                array([False,  True, False])
                """),
        BuiltinDoc(
            "not_equal", "not_equal(x1, x2)",
            """
            x1 != x2, elementwise with broadcasting (np.not_equal): a bool array, or a bool for two numbers; \
            the != operator as a function. Any comparison with nan is False, except not_equal, which is \
            True.
            """,
            example: """
                >>> not_equal(array([1.0, 2.0, nan]), 2.0)
                array([ True, False,  True])
                """),
        BuiltinDoc(
            "logical_and", "logical_and(x1, x2)",
            """
            x1 and x2 as truth values, elementwise with broadcasting (np.logical_and): nonzero (nan \
            included) is True; a bool array.
            """,
            example: """
                >>> logical_and(array([True, True, False]), array([True, False, False]))
                array([ True, False, False])
                >>> logical_and(array([2.0, 0.0]), 1.0)
                array([ True, False])
                """),
        BuiltinDoc(
            "logical_or", "logical_or(x1, x2)",
            """
            x1 or x2 as truth values, elementwise with broadcasting (np.logical_or); a bool array.
            """,
            example: """
                >>> logical_or(array([True, False, False]), array([False, False, True]))
                array([ True, False,  True])
                """),
        BuiltinDoc(
            "logical_xor", "logical_xor(x1, x2)",
            """
            Exactly one of x1 and x2 true, elementwise with broadcasting (np.logical_xor); a bool array.
            """,
            example: """
                >>> logical_xor(array([True, True, False]), array([True, False, False]))
                array([False,  True, False])
                """),
        BuiltinDoc(
            "logical_not", "logical_not(x)",
            """
            not x as a truth value, elementwise (np.logical_not): True where x is zero; a bool array.
            """,
            example: """
                >>> logical_not(array([0.0, 1.0, nan]))
                array([ True, False, False])
                """),
        BuiltinDoc(
            "where", "where(condition, x, y)",
            """
            x where condition is true, else y, elementwise, with condition, x and y broadcast together \
            (np.where with three arguments); a bool array only when x and y are both bools.
            """,
            example: """
                >>> x = array([-2.0, 0.5, 3.0])
                >>> where(x > 0, x, 0.0)
                array([0. , 0.5, 3. ])
                >>> where(array([True, False]), 1.0, array([[5.0], [6.0]]))
                array([[1., 5.],
                       [1., 6.]])
                """),
        BuiltinDoc(
            "clip", "clip(a, a_min, a_max)",
            """
            a limited to [a_min, a_max], elementwise with broadcasting (np.clip); either bound may be None. \
            With a_min > a_max every element becomes a_max; a nan element or bound gives nan.
            """,
            example: """
                >>> clip(array([-2.0, 0.5, 3.0]), 0.0, 1.0)
                array([0. , 0.5, 1. ])
                >>> clip(array([-2.0, 0.5, 3.0]), None, 1.0)
                array([-2. ,  0.5,  1. ])
                >>> clip(array([1.0, 5.0]), 3.0, 2.0)
                array([2., 2.])
                """),
    ]
}
