// Documentation of the statistics builtins (see Docs.swift for the format).

extension Docs {
    static let statistics: [BuiltinDoc] = [
        BuiltinDoc("std", "std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False)",
                   """
                   The standard deviation over the axes in `axis` (None: every element; an int, negative counting \
                   from the end, or a tuple), as NumPy's: the square root of `var`. `ddof` is subtracted from the \
                   number of elements in the divisor (ddof=1 gives the sample standard deviation). An empty selection \
                   gives nan. `dtype` and `out` are accepted only as None. The method form is `x.std(...)`.
                   """,
                   example: """
                   >>> std(array([1.0, 2.0, 3.0, 4.0]))
                   1.118033988749895
                   >>> std(array([[1.0, 2.0], [3.0, 5.0]]), axis=0, ddof=1)
                   array([1.41421356, 2.12132034])
                   """),
        BuiltinDoc("var", "var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False)",
                   """
                   The variance over the axes in `axis`, as NumPy's: `sum((a - mean)**2) / max(n - ddof, 0)`, the \
                   mean taken first (two passes, so large offsets do not cancel). With `keepdims=True` the reduced \
                   axes stay as length 1. An empty selection gives nan; ddof >= n divides by zero (inf or nan). \
                   The method form is `x.var(...)`.
                   """,
                   example: """
                   >>> var(array([1.0, 2.0, 3.0, 4.0]))
                   1.25
                   >>> var(array([[1.0, 2.0], [3.0, 5.0]]), axis=1, keepdims=True)
                   array([[0.25],
                          [1.  ]])
                   """),
        BuiltinDoc("cumsum", "cumsum(a, axis=None, dtype=None, out=None)",
                   """
                   The running sums along `axis` (an int; None flattens the array first, in C order), as NumPy's \
                   `add.accumulate`: element i is the sum of elements 0..i, added left to right. The result has the \
                   shape of `a` (of its flattened form for axis=None; a number gives a 1-element array). The method \
                   form is `x.cumsum(...)`.
                   """,
                   example: """
                   >>> cumsum(array([[1.0, 2.0], [3.0, 4.0]]))
                   array([ 1.,  3.,  6., 10.])
                   >>> cumsum(array([[1.0, 2.0], [3.0, 4.0]]), axis=0)
                   array([[1., 2.],
                          [4., 6.]])
                   """),
        BuiltinDoc("cumprod", "cumprod(a, axis=None, dtype=None, out=None)",
                   """
                   The running products along `axis` (an int; None flattens the array first), as NumPy's \
                   `multiply.accumulate`. The method form is `x.cumprod(...)`.
                   """,
                   example: """
                   >>> cumprod(array([1.0, 2.0, 3.0, 4.0]))
                   array([ 1.,  2.,  6., 24.])
                   """),
        BuiltinDoc("logsumexp", "logsumexp(a, axis=None, keepdims=False)",
                   """
                   `log(sum(exp(a)))` over `axis` (None, an int or a tuple) without overflow, as \
                   scipy.special.logsumexp: the maximum is shifted out, so `logsumexp([1000, 1000])` is \
                   1000 + log 2. All -inf gives -inf, any +inf gives inf, nan gives nan; an empty selection gives -inf.
                   """,
                   example: """
                   >>> logsumexp(array([1000.0, 1000.0]))
                   1000.6931471805599
                   >>> logsumexp(array([[0.0, 0.0], [1.0, -inf]]), axis=1)
                   array([0.69314718, 1.        ])
                   """),
        BuiltinDoc("softmax", "softmax(x, axis=-1)",
                   """
                   `exp(x) / sum(exp(x))` along `axis` (an int, a tuple, or None for every element), as \
                   jax.nn.softmax: the maximum is subtracted first, so large inputs do not overflow. Each slice \
                   along `axis` sums to 1.
                   """,
                   example: """
                   >>> softmax(array([1.0, 2.0, 3.0]))
                   array([0.09003057, 0.24472847, 0.66524096])
                   >>> softmax(array([1000.0, 0.0]))
                   array([1., 0.])
                   """),
        BuiltinDoc("log_softmax", "log_softmax(x, axis=-1)",
                   """
                   `x - logsumexp(x)` along `axis` (an int, a tuple, or None), as jax.nn.log_softmax: \
                   `(x - max) - log(sum(exp(x - max)))`, accurate where `log(softmax(x))` would give -inf.
                   """,
                   example: """
                   >>> log_softmax(array([1.0, 2.0, 3.0]))
                   array([-2.40760596, -1.40760596, -0.40760596])
                   """),
        BuiltinDoc("sigmoid", "sigmoid(x)",
                   """
                   The logistic function `1 / (1 + exp(-x))` elementwise, as scipy.special.expit and \
                   jax.nn.sigmoid: exactly 0.5 at 0, and 0 or 1 (never an overflow) for large |x|. A number gives \
                   a number.
                   """,
                   example: """
                   >>> sigmoid(array([-1000.0, 0.0, 2.0]))
                   array([0.        , 0.5       , 0.88079708])
                   """),
    ]
}
