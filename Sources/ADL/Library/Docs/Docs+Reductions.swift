// Documentation of the reduction builtins (see Docs.swift for the format).
// They reduce over every axis (axis=None), one axis, or a tuple of axes, and
// with keepdims=True leave the reduced axes as length 1, as NumPy does.

extension Docs {
    static let reductions: [BuiltinDoc] = [
        BuiltinDoc(
            "sum", "sum(a, axis=None, keepdims=False)",
            """
            The sum of the elements over the given axes (np.sum), added in NumPy's order (pairwise along the \
            last axis), so results match NumPy's to the last bit. The sum of an empty array is 0.0; the sum \
            of a bool array over every axis is the int count of Trues. Also the method a.sum(...).
            """,
            example: """
                >>> A = array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
                >>> sum(A)
                21.0
                >>> sum(A, axis=0)
                array([5., 7., 9.])
                >>> sum(A, axis=1, keepdims=True)
                array([[ 6.],
                       [15.]])
                >>> sum(array([True, False, True]))
                2
                """),
        BuiltinDoc(
            "mean", "mean(a, axis=None, keepdims=False)",
            """
            The arithmetic mean over the given axes (np.mean): the sum divided by the number of elements \
            reduced. The mean of an empty selection is nan.
            """,
            example: """
                >>> A = array([[1.0, 2.0], [3.0, 5.0]])
                >>> mean(A)
                2.75
                >>> mean(A, axis=0)
                array([2. , 3.5])
                >>> mean(A, axis=(0, 1), keepdims=True)
                array([[2.75]])
                """),
        BuiltinDoc(
            "prod", "prod(a, axis=None, keepdims=False)",
            """
            The product of the elements over the given axes (np.prod); the product of an empty array is 1.0.
            """,
            example: """
                >>> A = array([[1.0, 2.0], [3.0, 4.0]])
                >>> prod(A)
                24.0
                >>> prod(A, axis=1)
                array([ 2., 12.])
                >>> prod([])
                1.0
                """),
        BuiltinDoc(
            "max", "max(a, axis=None, keepdims=False)",
            """
            The largest element over the given axes (np.max); nan if any element reduced is nan. An empty \
            selection is an error ("zero-size array to reduction operation maximum which has no identity"). \
            With two or more positional arguments, max(a, b, ...) compares elementwise like Python's \
            builtin.
            """,
            example: """
                >>> A = array([[1.0, 5.0], [3.0, 2.0]])
                >>> max(A)
                5.0
                >>> max(A, axis=0)
                array([3., 5.])
                >>> max(array([1.0, nan]))
                nan
                >>> max(2, 7, 3)
                7
                """),
        BuiltinDoc(
            "min", "min(a, axis=None, keepdims=False)",
            """
            The smallest element over the given axes (np.min); nan if any element reduced is nan, an error \
            for an empty selection. With two or more positional arguments, min(a, b, ...) compares \
            elementwise like Python's builtin.
            """,
            example: """
                >>> A = array([[1.0, 5.0], [3.0, 2.0]])
                >>> min(A)
                1.0
                >>> min(A, axis=1, keepdims=True)
                array([[1.],
                       [2.]])
                >>> min(array([3.0, 1.0]), 2.0)
                array([2., 1.])
                """),
        BuiltinDoc(
            "amax", "amax(a, axis=None, keepdims=False)",
            """
            The largest element over the given axes: NumPy's other name for max (one argument only).
            """,
            example: """
                >>> amax(array([[1.0, 5.0], [3.0, 2.0]]), axis=1)
                array([5., 3.])
                """),
        BuiltinDoc(
            "amin", "amin(a, axis=None, keepdims=False)",
            """
            The smallest element over the given axes: NumPy's other name for min (one argument only).
            """,
            example: """
                >>> amin(array([[1.0, 5.0], [3.0, 2.0]]), axis=1)
                array([1., 2.])
                """),
        BuiltinDoc(
            "any", "any(a, axis=None, keepdims=False)",
            """
            True if any element over the given axes is nonzero (nan counts as nonzero) (np.any): a bool, or \
            a bool array along axes. any of an empty array is False.
            """,
            example: """
                >>> A = array([[0.0, 0.0], [0.0, 3.0]])
                >>> any(A)
                True
                >>> any(A, axis=0)
                array([False,  True])
                >>> any(array([]))
                False
                """),
        BuiltinDoc(
            "all", "all(a, axis=None, keepdims=False)",
            """
            True if every element over the given axes is nonzero (np.all): a bool, or a bool array along \
            axes. all of an empty array is True.
            """,
            example: """
                >>> A = array([[1.0, 2.0], [0.0, 3.0]])
                >>> all(A)
                False
                >>> all(A, axis=1)
                array([ True, False])
                >>> all(array([]))
                True
                """),
        BuiltinDoc(
            "argmax", "argmax(a, axis=None)",
            """
            The index of the largest element (np.argmax): the first one on ties, the first nan if there is \
            one. Without axis the index is into the flattened array, an int; along an axis, an array of \
            indices. An empty array is an error ("attempt to get argmax of an empty sequence").
            """,
            example: """
                >>> A = array([[1.0, 5.0], [7.0, 2.0]])
                >>> argmax(A)
                2
                >>> argmax(A, axis=0)
                array([1., 0.])
                >>> argmax(array([1.0, nan, 3.0]))
                1
                """),
        BuiltinDoc(
            "argmin", "argmin(a, axis=None)",
            """
            The index of the smallest element (np.argmin): the first one on ties, the first nan if there is \
            one. Without axis the index is into the flattened array, an int; along an axis, an array of \
            indices.
            """,
            example: """
                >>> A = array([[1.0, 5.0], [7.0, 2.0]])
                >>> argmin(A)
                0
                >>> argmin(A, axis=1)
                array([0., 1.])
                """),
    ]
}
