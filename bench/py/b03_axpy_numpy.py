# B3 as issue 2 states it: sum(x * y + 1.0) on 10_000_000 float64, the NumPy peer of
# the "x*y+1.0, sum" measurement of bench/adl/b03_chain.adl (same data, same reps).
# Uses the reference folder's _timing module (bench/run.sh puts it on PYTHONPATH).
import numpy as np
from _timing import bench, m, report

N = 10_000_000
x = np.linspace(0.0, 1.0, N)
y = np.linspace(1.0, 2.0, N)


def axpy_sum():
    return np.sum(x * y + 1.0)


r = axpy_sum()
print("result", repr(float(r)))
report("B3", "numpy", [m("x*y+1.0, sum", bench(axpy_sum, reps=7))], result=float(r))
