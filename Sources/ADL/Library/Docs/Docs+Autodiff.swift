// Documentation of the differentiation builtins (SPEC §8; see Docs.swift for
// the format).

extension Docs {
    static let autodiff: [BuiltinDoc] = [
        BuiltinDoc("grad", "grad(fun, argnums=0)",
                   "A function computing the gradient of `fun`, which must return a scalar, with respect to argument `argnums` (an int, or a tuple of ints for a tuple of gradients). It works through loops, branches, recursion, closures and index assignment: the first call runs `fun` instrumented, records its array operations and branch decisions, differentiates that record and compiles it; later calls with arguments of the same shapes run the compiled gradient and trace again only if a branch goes another way or a global it read has changed. Int arguments count as floats. A non-scalar result is an error that points to `jacobian` and `elementwise_grad`.",
                   example: """
                   >>> grad(lambda x: ((x + 1) ** 2).sum())(arange(3))
                   array([2., 4., 6.])
                   >>> grad(lambda x, y: x * y, argnums=(0, 1))(2.0, 3.0)
                   (3.0, 2.0)
                   """),
        BuiltinDoc("value_and_grad", "value_and_grad(fun, argnums=0)",
                   "Like `grad`, but the function returns `(value, gradient)`: the value of `fun` and its gradient from one traced evaluation.",
                   example: """
                   >>> value_and_grad(lambda x: sum(x ** 2))(array([1.0, 2.0]))
                   (5.0, array([2., 4.]))
                   """),
        BuiltinDoc("elementwise_grad", "elementwise_grad(fun, argnums=0)",
                   "The gradient of `sum(fun(x))`: for a function applied element by element, the derivative of each element of the result with respect to the same element of the argument (autograd's `elementwise_grad`).",
                   example: """
                   >>> elementwise_grad(lambda x: x ** 3)(array([1.0, 2.0]))
                   array([ 3., 12.])
                   """),
        BuiltinDoc("jacobian", "jacobian(fun, argnums=0)",
                   "A function computing the Jacobian of `fun`: an array of shape `result.shape + x.shape` whose element [i..., j...] is the derivative of result[i...] with respect to x[j...]. It takes one vector-Jacobian product per element of the result, all from one compiled trace.",
                   example: """
                   >>> jacobian(lambda x: x ** 2)(array([1.0, 2.0]))
                   array([[2., 0.],
                          [0., 4.]])
                   """),
        BuiltinDoc("hessian", "hessian(fun, argnums=0)",
                   "The matrix of second derivatives of a scalar function: `jacobian(grad(fun))`, of shape `x.shape + x.shape`.",
                   example: """
                   >>> hessian(lambda x: sum(x ** 3))(array([1.0, 2.0]))
                   array([[ 6.,  0.],
                          [ 0., 12.]])
                   """),
        BuiltinDoc("jvp", "jvp(fun, primals, tangents)",
                   "Forward mode: `(fun(*primals), J · tangents)`, the derivative of `fun` at `primals` in the direction `tangents` (tuples with one entry per argument, as JAX). ADL computes it forward-over-reverse: the vector-Jacobian product is linear in its cotangent, and its gradient with respect to that cotangent is J · tangents.",
                   example: """
                   >>> jvp(lambda x: sin(x), (0.0,), (2.0,))
                   (0.0, 2.0)
                   """),
        BuiltinDoc("vjp", "vjp(fun, *primals)",
                   "Reverse mode with a chosen cotangent: `(fun(*primals), pullback)`, where `pullback(g)` returns a tuple with one cotangent per primal, gᵀ · J (as JAX). `g` must have the shape of the result.",
                   example: """
                   >>> value, pullback = vjp(lambda x, y: x * y, 2.0, 3.0)
                   >>> value
                   6.0
                   >>> pullback(1.0)
                   (3.0, 2.0)
                   """),
        BuiltinDoc("stop_gradient", "stop_gradient(x)",
                   "`x` itself, treated as a constant by differentiation: no gradient flows through it.",
                   example: """
                   >>> grad(lambda x: x * stop_gradient(x))(3.0)
                   3.0
                   """),
        BuiltinDoc("checkgrad", "checkgrad(fun, x, eps=1e-06)",
                   "Compares `grad(fun)(x)` with central finite differences, element by element with step eps·max(1, |x_i|), and returns the largest error |analytic - numeric| / max(1, |analytic|, |numeric|). Values around 1e-8 mean the gradient is right.",
                   example: """
                   >>> checkgrad(lambda x: sum(sin(x)), arange(3)) < 1e-8
                   True
                   """),
        BuiltinDoc("index_add", "index_add(a, index, values)",
                   "A copy of `a` with `values` added at `a[index]`, where `index` is a tuple of indices as in `a[i, j]`; where an index repeats, every value is added (NumPy's in-place `np.add.at`, as a function). Gradients of indexing are made of it.",
                   example: """
                   >>> index_add(zeros(3), ([0, 0, 2],), array([1.0, 2.0, 5.0]))
                   array([3., 0., 5.])
                   """),
    ]
}
