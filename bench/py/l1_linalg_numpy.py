# L1 linear algebra: np.linalg.solve and np.linalg.inv on a 500x500 float64 matrix, the
# NumPy peer of bench/adl/l1_linalg.adl (same data, same reps, same measurement names).
# Uses the reference folder's _timing module (bench/run.sh puts it on PYTHONPATH).
import numpy as np
from _timing import bench, m, report


def u(count, a, mod):  # deterministic "uniform(-0.5, 0.5)" data, bit-exact in any float64 system
    return np.mod(np.arange(count, dtype=np.float64) * a, mod) / mod - 0.5


n = 500
A = u(n * n, 7919, 10007).reshape(n, n) + 5.0 * np.eye(n)
b = u(n, 104729, 7907)
B = u(n * n, 104729, 7907).reshape(n, n)
x = np.linalg.solve(A, b)
X = np.linalg.solve(A, B)
Ainv = np.linalg.inv(A)
print("result", repr(float(x.sum())), repr(float(X.sum())), repr(float(Ainv.sum())))
report("L1", "numpy", [
    m("solve 500x500, b (500,)", bench(lambda: np.linalg.solve(A, b), reps=20, warmup=3)),
    m("solve 500x500, B 500x500", bench(lambda: np.linalg.solve(A, B), reps=10, warmup=2)),
    m("inv 500x500", bench(lambda: np.linalg.inv(A), reps=10, warmup=2)),
], result=float(x.sum()))
