// Documentation of the joining builtins (see Docs.swift for the format).

extension Docs {
    static let joining: [BuiltinDoc] = [
        BuiltinDoc("expand_dims", "expand_dims(a, axis)",
                   """
                   The array with a new axis of length 1 at `axis` (an int or a tuple of ints, counted in the \
                   result's dimensions, negative from the end), as NumPy's.
                   """,
                   example: """
                   >>> expand_dims(array([1.0, 2.0]), 0)
                   array([[1., 2.]])
                   >>> expand_dims(array([1.0, 2.0]), (0, 2)).shape
                   (1, 2, 1)
                   """),
        BuiltinDoc("squeeze", "squeeze(a, axis=None)",
                   """
                   The array without its axes of length 1 (all of them, or those in `axis`, an int or a tuple; \
                   naming an axis whose length is not 1 is an error). The method form is `x.squeeze(...)`.
                   """,
                   example: """
                   >>> squeeze(ones((1, 3, 1))).shape
                   (3,)
                   >>> squeeze(array([[1.0, 2.0]]), axis=0)
                   array([1., 2.])
                   """),
        BuiltinDoc("swapaxes", "swapaxes(a, axis1, axis2)",
                   """
                   The array with two axes exchanged (negative axes count from the end). The method form is \
                   `x.swapaxes(axis1, axis2)`.
                   """,
                   example: """
                   >>> swapaxes(array([[1.0, 2.0, 3.0]]), 0, 1)
                   array([[1.],
                          [2.],
                          [3.]])
                   """),
        BuiltinDoc("flip", "flip(m, axis=None)",
                   """
                   The elements in reverse order along `axis` (an int or a tuple; None reverses every axis).
                   """,
                   example: """
                   >>> flip(array([1.0, 2.0, 3.0]))
                   array([3., 2., 1.])
                   >>> flip(array([[1.0, 2.0], [3.0, 4.0]]), axis=1)
                   array([[2., 1.],
                          [4., 3.]])
                   """),
        BuiltinDoc("concatenate", "concatenate(arrays, axis=0)",
                   """
                   The arrays (a list or tuple of arrays, or the rows of one array) joined along an existing \
                   axis; every other dimension must match, as NumPy requires. `axis=None` flattens each part \
                   first. The result is a bool array only when every part is.
                   """,
                   example: """
                   >>> concatenate([array([1.0, 2.0]), array([3.0])])
                   array([1., 2., 3.])
                   >>> concatenate([ones((2, 1)), zeros((2, 2))], axis=1)
                   array([[1., 0., 0.],
                          [1., 0., 0.]])
                   """),
        BuiltinDoc("stack", "stack(arrays, axis=0)",
                   """
                   Arrays of one shape joined along a new axis at position `axis` (negative from the end of the \
                   result's dimensions).
                   """,
                   example: """
                   >>> stack([array([1.0, 2.0]), array([3.0, 4.0])], axis=1)
                   array([[1., 3.],
                          [2., 4.]])
                   """),
        BuiltinDoc("hstack", "hstack(tup)",
                   """
                   The arrays joined horizontally: along axis 0 when they are 1-d (numbers count as 1-d), along \
                   axis 1 otherwise, as NumPy's.
                   """,
                   example: """
                   >>> hstack([array([1.0, 2.0]), array([3.0])])
                   array([1., 2., 3.])
                   """),
        BuiltinDoc("vstack", "vstack(tup)",
                   """
                   The arrays joined vertically along axis 0, each 1-d array (or number) taken as a row, as NumPy's.
                   """,
                   example: """
                   >>> vstack([array([1.0, 2.0]), array([3.0, 4.0])])
                   array([[1., 2.],
                          [3., 4.]])
                   """),
        BuiltinDoc("broadcast_to", "broadcast_to(array, shape)",
                   """
                   The array broadcast to `shape` with NumPy's rules (a copy: ADL arrays are values). Each \
                   dimension must equal the target's or be 1.
                   """,
                   example: """
                   >>> broadcast_to(array([1.0, 2.0]), (2, 2))
                   array([[1., 2.],
                          [1., 2.]])
                   """),
        BuiltinDoc("tile", "tile(A, reps)",
                   """
                   The array repeated `reps` times along each axis (an int or a tuple; the shorter of `reps` and \
                   the shape is padded with leading 1s), as NumPy's.
                   """,
                   example: """
                   >>> tile(array([1.0, 2.0]), (2, 2))
                   array([[1., 2., 1., 2.],
                          [1., 2., 1., 2.]])
                   """),
        BuiltinDoc("repeat", "repeat(a, repeats, axis=None)",
                   """
                   Each element repeated: `repeats` is one count or one count per element along `axis` (None \
                   flattens the array first). The method form is `x.repeat(...)`.
                   """,
                   example: """
                   >>> repeat(array([1.0, 2.0]), 2)
                   array([1., 1., 2., 2.])
                   >>> repeat(array([[1.0, 2.0], [3.0, 4.0]]), [1, 2], axis=0)
                   array([[1., 2.],
                          [3., 4.],
                          [3., 4.]])
                   """),
        BuiltinDoc("pad", "pad(array, pad_width, mode=\"constant\", *, constant_values=0)",
                   """
                   The array grown by `pad_width` elements before and after each axis: an int, a (before, after) \
                   pair, or one pair per axis. Modes: "constant" (filled with `constant_values`, in the same \
                   forms), "edge" (the edge value repeated), "reflect" (mirrored without the edge), "symmetric" \
                   (mirrored with it) and "wrap" (periodic), as NumPy's.
                   """,
                   example: """
                   >>> pad(array([1.0, 2.0]), 1)
                   array([0., 1., 2., 0.])
                   >>> pad(array([1.0, 2.0, 3.0]), (2, 1), mode="reflect")
                   array([3., 2., 1., 2., 3., 2.])
                   >>> pad(array([[1.0]]), ((0, 1), (1, 0)), constant_values=9)
                   array([[9., 1.],
                          [9., 9.]])
                   """),
    ]
}
