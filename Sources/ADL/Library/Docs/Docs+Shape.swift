// Documentation of the shape queries and reshaping (see Docs.swift for the
// format; products are in Docs+LinearAlgebra.swift).

extension Docs {
    static let shape: [BuiltinDoc] = [
        BuiltinDoc("shape", "shape(a)",
                   "The shape of an array as a tuple of ints (`()` for a number); the same as `a.shape`.",
                   example: """
                   >>> shape(zeros((2, 3)))
                   (2, 3)
                   """),
        BuiltinDoc("size", "size(a)",
                   "The number of elements of an array; the same as `a.size`.",
                   example: """
                   >>> size(zeros((2, 3)))
                   6
                   """),
        BuiltinDoc("ndim", "ndim(a)",
                   "The number of axes of an array (0 for a number); the same as `a.ndim`.",
                   example: """
                   >>> ndim(zeros((2, 3)))
                   2
                   """),
        BuiltinDoc("reshape", "reshape(a, newshape)",
                   "The elements of `a` in C order with a new shape of the same size; one dimension may be -1 and is then inferred. The method form takes the sizes directly: `a.reshape(2, 3)`.",
                   example: """
                   >>> reshape(arange(6), (2, -1))
                   array([[0., 1., 2.],
                          [3., 4., 5.]])
                   """),
        BuiltinDoc("transpose", "transpose(a, axes=None)",
                   "`a` with its axes reversed, or permuted as `axes` says; `a.T` is the reversed form. A 1-d array is unchanged.",
                   example: """
                   >>> transpose(arange(6).reshape(2, 3))
                   array([[0., 3.],
                          [1., 4.],
                          [2., 5.]])
                   >>> transpose(zeros((2, 3, 4)), (1, 0, 2)).shape
                   (3, 2, 4)
                   """),
        BuiltinDoc("ravel", "ravel(a)",
                   "The elements of `a` as a 1-d array, in C order.",
                   example: """
                   >>> ravel(array([[1, 2], [3, 4]]))
                   array([1., 2., 3., 4.])
                   """),
        BuiltinDoc("flatten", "flatten(a)",
                   "The elements of `a` as a 1-d array, in C order (NumPy's method `a.flatten()`).",
                   example: """
                   >>> arange(4).reshape(2, 2).flatten()
                   array([0., 1., 2., 3.])
                   """),
    ]
}
