// Documentation of the random builtins (see Docs.swift for the format).

extension Docs {
    static let random: [BuiltinDoc] = [
        BuiltinDoc("random.seed", "random.seed(seed=None)",
                   """
                   Seeds the generator as NumPy's legacy np.random.seed: MT19937 through init_genrand \
                   for an int in [0, 2**32), through init_by_array for a non-empty 1-d sequence of such \
                   ints (a list display such as [1, 2] seeds like NumPy's list). Seeding discards the \
                   cached normal deviate, so the numbers that follow are NumPy's exactly. Without a \
                   seed (or with None) the generator is seeded from the clock, as it is at start-up. \
                   Each interpreter has its own generator. A seed out of range is an error.
                   """,
                   example: """
                   >>> random.seed(0)
                   >>> random.rand(3)
                   array([0.5488135 , 0.71518937, 0.60276338])
                   >>> random.seed([1, 2])
                   >>> random.rand(2)
                   array([0.58451415, 0.25853201])
                   """),
        BuiltinDoc("random.rand", "random.rand(d0, d1, ...)",
                   """
                   Uniform numbers in [0, 1) in an array of shape (d0, d1, ...), or one float with no \
                   arguments, as np.random.rand. Each number takes two 32-bit MT19937 outputs a and b: \
                   ((a >> 5) * 2**26 + (b >> 6)) / 2**53, NumPy's construction.
                   """,
                   example: """
                   >>> random.seed(0)
                   >>> random.rand(2, 2)
                   array([[0.5488135 , 0.71518937],
                          [0.60276338, 0.54488318]])
                   >>> random.rand()
                   0.4236547993389047
                   """),
        BuiltinDoc("random.randn", "random.randn(d0, d1, ...)",
                   """
                   Standard normal numbers in an array of shape (d0, d1, ...), or one float with no \
                   arguments, as np.random.randn: NumPy's legacy polar (Marsaglia) method, which makes \
                   deviates in pairs and keeps the second for the next call (random.seed discards it).
                   """,
                   example: """
                   >>> random.seed(0)
                   >>> random.randn(2, 2)
                   array([[1.76405235, 0.40015721],
                          [0.97873798, 2.2408932 ]])
                   """),
        BuiltinDoc("random.random_sample", "random.random_sample(size=None)",
                   """
                   Uniform numbers in [0, 1): one float without size, else an array of shape size (an \
                   int or a tuple), as np.random.random_sample. The same stream as random.rand.
                   """,
                   example: """
                   >>> random.seed(0)
                   >>> random.random_sample((2,))
                   array([0.5488135 , 0.71518937])
                   >>> random.random_sample()
                   0.6027633760716439
                   """),
        BuiltinDoc("random.random", "random.random(size=None)",
                   """
                   The same as random.random_sample, as np.random.random.
                   """,
                   example: """
                   >>> random.seed(0)
                   >>> random.random()
                   0.5488135039273248
                   """),
        BuiltinDoc("random.standard_normal", "random.standard_normal(size=None)",
                   """
                   Standard normal numbers: one float without size, else an array of shape size, as \
                   np.random.standard_normal. The same stream as random.randn.
                   """,
                   example: """
                   >>> random.seed(0)
                   >>> random.standard_normal(2)
                   array([1.76405235, 0.40015721])
                   """),
        BuiltinDoc("random.uniform", "random.uniform(low=0.0, high=1.0, size=None)",
                   """
                   Uniform numbers low + (high - low) * u, as np.random.uniform. With scalar bounds and \
                   no size the result is a float; with array bounds it has their broadcast shape, or \
                   size, which they must broadcast to (one draw per element, in C order). low > high \
                   is allowed; a range that is not finite is an error.
                   """,
                   example: """
                   >>> random.seed(0)
                   >>> random.uniform(-1, 1, 3)
                   array([0.09762701, 0.43037873, 0.20552675])
                   >>> random.uniform([0, 10], [1, 20])
                   array([ 0.54488318, 14.23654799])
                   """),
        BuiltinDoc("random.normal", "random.normal(loc=0.0, scale=1.0, size=None)",
                   """
                   Normal numbers loc + scale * z, as np.random.normal, z from the same polar method \
                   as random.randn. Scalar parameters without size give a float; array parameters \
                   broadcast as in random.uniform. A negative scale is an error.
                   """,
                   example: """
                   >>> random.seed(0)
                   >>> random.normal(10, 2, 3)
                   array([13.52810469, 10.80031442, 11.95747597])
                   >>> random.normal()
                   2.240893199201458
                   """),
    ]
}
