// Documentation of the array-creation builtins (see Docs.swift for the format).

extension Docs {
    static let creation: [BuiltinDoc] = [
        BuiltinDoc("array", "array(object, dtype=None, copy=True)",
                   "A new array from a number, a nested list or tuple of numbers, or another array (copied). ADL arrays are float64, or bool when every element is a bool or `dtype=bool`; `dtype=float` converts bools to 0.0 and 1.0. Ragged nesting is an error.",
                   example: """
                   >>> array([[1, 2], [3, 4]])
                   array([[1., 2.],
                          [3., 4.]])
                   >>> array([1, 0, 2], dtype=bool)
                   array([ True, False,  True])
                   """),
        BuiltinDoc("asarray", "asarray(a)",
                   "`a` as an array, without copying when it already is one (ADL arrays are values, so the difference never shows).",
                   example: """
                   >>> asarray((1, 2))
                   array([1., 2.])
                   """),
        BuiltinDoc("zeros", "zeros(shape, dtype=float)",
                   "An array of the given shape (an int or a tuple of ints) filled with 0.0, or with False for `dtype=bool`. Negative sizes are an error.",
                   example: """
                   >>> zeros((2, 3))
                   array([[0., 0., 0.],
                          [0., 0., 0.]])
                   """),
        BuiltinDoc("ones", "ones(shape, dtype=float)",
                   "An array of the given shape filled with 1.0 (True for `dtype=bool`).",
                   example: """
                   >>> ones(3)
                   array([1., 1., 1.])
                   """),
        BuiltinDoc("zeros_like", "zeros_like(a, dtype=None)",
                   "Zeros with the shape of `a`, and its dtype unless `dtype` is given.",
                   example: """
                   >>> zeros_like(array([[1.0, 2.0]]))
                   array([[0., 0.]])
                   """),
        BuiltinDoc("ones_like", "ones_like(a, dtype=None)",
                   "Ones with the shape of `a`, and its dtype unless `dtype` is given.",
                   example: """
                   >>> ones_like(arange(2))
                   array([1., 1.])
                   """),
        BuiltinDoc("full", "full(shape, fill_value, dtype=None)",
                   "An array of the given shape filled with `fill_value`; a bool fill gives a bool array.",
                   example: """
                   >>> full((2, 2), 7)
                   array([[7., 7.],
                          [7., 7.]])
                   """),
        BuiltinDoc("full_like", "full_like(a, fill_value, dtype=None)",
                   "An array with the shape (and dtype) of `a` filled with `fill_value`.",
                   example: """
                   >>> full_like(arange(3), -1)
                   array([-1., -1., -1.])
                   """),
        BuiltinDoc("eye", "eye(N, M=None, k=0, dtype=float)",
                   "An N×M matrix (M defaults to N) with ones on the k-th diagonal (k > 0 above the main one, k < 0 below) and zeros elsewhere.",
                   example: """
                   >>> eye(3, k=1)
                   array([[0., 1., 0.],
                          [0., 0., 1.],
                          [0., 0., 0.]])
                   """),
        BuiltinDoc("identity", "identity(n, dtype=float)",
                   "The n×n identity matrix.",
                   example: """
                   >>> identity(2)
                   array([[1., 0.],
                          [0., 1.]])
                   """),
        BuiltinDoc("arange", "arange(stop) / arange(start, stop, step=1)",
                   "Evenly spaced values from `start` (0) up to but not including `stop`, `step` apart, as NumPy: the length is ceil((stop - start) / step), and element i is start + i * step. A step of 0 is an error.",
                   example: """
                   >>> arange(5)
                   array([0., 1., 2., 3., 4.])
                   >>> arange(1, 2, 0.25)
                   array([1.  , 1.25, 1.5 , 1.75])
                   """),
        BuiltinDoc("linspace", "linspace(start, stop, num=50, endpoint=True)",
                   "`num` evenly spaced values from `start` to `stop` (included unless `endpoint=False`), computed as NumPy computes them so the numbers agree to the last bit.",
                   example: """
                   >>> linspace(0, 1, 5)
                   array([0.  , 0.25, 0.5 , 0.75, 1.  ])
                   """),
        BuiltinDoc("copy", "copy(a)",
                   "A copy of `a`. ADL arrays are values (assigning never aliases), so this is rarely needed; it exists for NumPy code.",
                   example: """
                   >>> a = arange(3)
                   >>> b = copy(a)
                   >>> b[0] = 9
                   >>> a
                   array([0., 1., 2.])
                   """),
    ]
}
