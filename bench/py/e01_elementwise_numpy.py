# E1 elementwise functions on 10_000_000 float64: the NumPy peer of
# bench/adl/e01_elementwise.adl (same data, same measurement names, same reps).
# Uses the reference folder's _timing module (bench/run.sh puts it on PYTHONPATH).
import numpy as np
from _timing import bench, m, report

N = 10_000_000
x = np.linspace(0.01, 10.0, N)

check = sum(float(np.sum(f(x))) for f in (np.exp, np.log, np.sin, np.cos, np.tanh, np.sqrt))
print("result", repr(check))
report("E1", "numpy", [m(f.__name__, bench(lambda: f(x), reps=7))
                       for f in (np.exp, np.log, np.sin, np.cos, np.tanh, np.sqrt)], result=check)
