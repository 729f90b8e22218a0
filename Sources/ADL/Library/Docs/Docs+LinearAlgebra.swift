// Documentation of the linearAlgebra builtins (see Docs.swift for the format).

extension Docs {
    static let linearAlgebra: [BuiltinDoc] = [
        BuiltinDoc(
            "dot", "dot(a, b)",
            """
            NumPy's dot product: numbers multiply, two vectors give their inner product, two \
            matrices their matrix product, and n-d arrays sum over the last axis of a and the \
            second-to-last of b. Mismatched axes are NumPy's "shapes ... not aligned" error. \
            Two bool arrays give a bool result. BLAS underneath.
            """,
            example: """
            >>> dot([1.0, 2.0], [3.0, 4.0])
            11.0
            >>> dot([[1.0, 2.0], [3.0, 4.0]], [1.0, -1.0])
            array([-1., -1.])
            """),
        BuiltinDoc(
            "matmul", "matmul(x1, x2)",
            """
            The matrix product, also written x1 @ x2, with NumPy's gufunc rules: a 1-d operand \
            is a row (left) or a column (right) vector and its axis is dropped from the result; \
            operands of more than two axes are stacks of matrices whose leading axes broadcast. \
            Numbers are refused. Two bool arrays give a bool result. BLAS underneath.
            """,
            example: """
            >>> A = array([[1.0, 2.0], [3.0, 4.0]])
            >>> A @ A
            array([[ 7., 10.],
                   [15., 22.]])
            >>> matmul(A, [1.0, 0.0])
            array([1., 3.])
            """),
        BuiltinDoc(
            "outer", "outer(a, b)",
            """
            The outer product: both arguments are flattened, and result[i, j] = a[i] * b[j] \
            (shape (a.size, b.size)). Two bool arrays give a bool array.
            """,
            example: """
            >>> outer([1.0, 2.0], [3.0, 4.0, 5.0])
            array([[ 3.,  4.,  5.],
                   [ 6.,  8., 10.]])
            """),
        BuiltinDoc(
            "inner", "inner(a, b)",
            """
            The inner product over the last axes: the result has shape \
            a.shape[:-1] + b.shape[:-1], and two vectors give a number. A number operand \
            multiplies. The last axes must have the same length.
            """,
            example: """
            >>> inner([1.0, 2.0, 3.0], [0.0, 1.0, 0.5])
            3.5
            >>> inner([[1.0, 2.0], [3.0, 4.0]], [1.0, -1.0])
            array([-1., -1.])
            """),
        BuiltinDoc(
            "trace", "trace(a, offset=0, axis1=0, axis2=1)",
            """
            The sum of the diagonal a[i, i + offset] of the matrices in axes axis1 and axis2; \
            for more than two axes, an array of the sums over the other axes. Also the method \
            a.trace(...). Needs at least two axes.
            """,
            example: """
            >>> trace(arange(9).reshape(3, 3))
            12.0
            >>> arange(9).reshape(3, 3).trace(offset=1)
            6.0
            """),
        BuiltinDoc(
            "diagonal", "diagonal(a, offset=0, axis1=0, axis2=1)",
            """
            The diagonal a[i, i + offset] of the matrices in axes axis1 and axis2, as a new \
            last axis after the remaining ones (NumPy's order). Also the method a.diagonal(...). \
            An offset past the matrix gives an empty array.
            """,
            example: """
            >>> diagonal(arange(9).reshape(3, 3))
            array([0., 4., 8.])
            >>> arange(9).reshape(3, 3).diagonal(-1)
            array([3., 7.])
            """),
        BuiltinDoc(
            "diag", "diag(v, k=0)",
            """
            For a vector v, the square matrix with v on diagonal k (above the main diagonal \
            for k > 0, below for k < 0) and zeros elsewhere; for a matrix, its diagonal k. \
            Other dimensions are an error.
            """,
            example: """
            >>> diag([1.0, 2.0])
            array([[1., 0.],
                   [0., 2.]])
            >>> diag(arange(9).reshape(3, 3), k=1)
            array([1., 5.])
            """),
        BuiltinDoc(
            "tril", "tril(m, k=0)",
            """
            The lower triangle of the matrices in the last two axes: elements on and below \
            diagonal k are kept, the rest are zero. A vector is first repeated into a square \
            matrix, as NumPy does.
            """,
            example: """
            >>> tril(ones((3, 3)))
            array([[1., 0., 0.],
                   [1., 1., 0.],
                   [1., 1., 1.]])
            """),
        BuiltinDoc(
            "triu", "triu(m, k=0)",
            """
            The upper triangle of the matrices in the last two axes: elements on and above \
            diagonal k are kept, the rest are zero. A vector is first repeated into a square \
            matrix, as NumPy does.
            """,
            example: """
            >>> triu(arange(9).reshape(3, 3) + 1, k=1)
            array([[0., 2., 3.],
                   [0., 0., 6.],
                   [0., 0., 0.]])
            """),
        BuiltinDoc(
            "linalg.inv", "linalg.inv(a)",
            """
            The inverse of a square matrix, or of each matrix in a stack (..., n, n), through \
            LAPACK's LU factorisation as NumPy computes it. An exactly singular matrix is the \
            error "Singular matrix"; a non-square one "Last 2 dimensions of the array must be \
            square". An empty (0, 0) matrix gives an empty result.
            """,
            example: """
            >>> linalg.inv([[2.0, 1.0], [1.0, 1.0]])
            array([[ 1., -1.],
                   [-1.,  2.]])
            """),
        BuiltinDoc(
            "linalg.solve", "linalg.solve(a, b)",
            """
            The solution x of a @ x = b, through LAPACK's LU factorisation. With NumPy 2's \
            rules, a 1-d b is one right-hand side (n,) shared by every matrix of a stack a; \
            otherwise b is a matrix (n, k) or a stack of them, and the stack axes of a and b \
            broadcast. A singular matrix is the error "Singular matrix".
            """,
            example: """
            >>> A = array([[3.0, 1.0], [1.0, 2.0]])
            >>> linalg.solve(A, [9.0, 8.0])
            array([2., 3.])
            >>> linalg.solve(A, eye(2))
            array([[ 0.4, -0.2],
                   [-0.2,  0.6]])
            """),
        BuiltinDoc(
            "linalg.det", "linalg.det(a)",
            """
            The determinant of a square matrix (a number) or of each matrix in a stack (an \
            array), computed as NumPy does from the LU factors: sign times exp of the sum of \
            the logs of the pivots. A singular matrix gives 0.0, an empty one 1.0.
            """,
            example: """
            >>> linalg.det([[1.0, 2.0], [3.0, 4.0]])
            -2.0000000000000004
            >>> linalg.det(ones((2, 2)))
            0.0
            """),
        BuiltinDoc(
            "linalg.slogdet", "linalg.slogdet(a)",
            """
            The sign and the natural log of the absolute value of the determinant, as a tuple \
            (sign, logabsdet), numbers for one matrix and arrays for a stack. It does not \
            overflow where det would. A singular matrix gives (0.0, -inf).
            """,
            example: """
            >>> sign, logdet = linalg.slogdet([[0.0, 2.0], [3.0, 0.0]])
            >>> sign, logdet
            (-1.0, 1.791759469228055)
            """),
        BuiltinDoc(
            "linalg.cholesky", "linalg.cholesky(a, upper=False)",
            """
            The Cholesky factor of a symmetric positive-definite matrix (or of each in a \
            stack): the lower-triangular L with a = L @ L.T, read from a's lower triangle; \
            with upper=True the upper-triangular L.T, read from the upper triangle. Otherwise \
            the error "Matrix is not positive definite".
            """,
            example: """
            >>> linalg.cholesky([[4.0, 2.0], [2.0, 3.0]])
            array([[2.        , 0.        ],
                   [1.        , 1.41421356]])
            """),
        BuiltinDoc(
            "linalg.norm", "linalg.norm(x, ord=None, axis=None, keepdims=False)",
            """
            A vector or matrix norm with NumPy's rules. With no axis, ord=None is the 2-norm \
            of all elements. Vectors (one axis): ord inf, -inf, 0 (the count of nonzeros), 1, 2, \
            or any p for sum(abs(x)**p)**(1/p). Matrices (two axes, or a 2-d x): 'fro', 'nuc' \
            (sum of singular values), 1 and -1 (max/min column sum), inf and -inf (max/min row \
            sum), 2 and -2 (largest/smallest singular value, by LAPACK's SVD). axis is an int \
            or a tuple of one or two ints; keepdims keeps the reduced axes with length 1.
            """,
            example: """
            >>> linalg.norm([3.0, 4.0])
            5.0
            >>> linalg.norm([[1.0, 2.0], [3.0, 4.0]], 1)
            6.0
            >>> linalg.norm([[1.0, 2.0], [3.0, 4.0]], axis=1)
            array([2.23606798, 5.        ])
            """),
        BuiltinDoc(
            "norm", "norm(x, ord=None, axis=None, keepdims=False)",
            """
            The same as linalg.norm: vector norms over one axis, matrix norms over two, every \
            ord NumPy accepts ('fro', 'nuc', inf, -inf, 0, 1, -1, 2, -2, any p for vectors).
            """,
            example: """
            >>> norm([3.0, -4.0], inf)
            4.0
            >>> norm(eye(3), "nuc")
            3.0
            """),
    ]
}
