# R1 reductions of a 1000x1000 float64 matrix: the NumPy peer of
# bench/adl/r01_reductions.adl (same data, same measurement names, same reps).
# Uses the reference folder's _timing module (bench/run.sh puts it on PYTHONPATH).
import numpy as np
from _timing import bench, m, report

A = 1.0 + 0.001 * np.sin(np.arange(1000000.0)).reshape(1000, 1000)

check = float(np.sum(np.sum(A, axis=0)) + np.sum(np.mean(A, axis=1)) + np.max(A)
              + np.min(A, axis=0)[3] + np.prod(A))
print("result", repr(check))
measurements = []
for f in (np.sum, np.mean, np.max, np.min, np.prod):
    for label, axis in (("axis=0", 0), ("axis=1", 1), ("all", None)):
        measurements.append(m(f"{f.__name__} {label}", bench(lambda: f(A, axis=axis), reps=20, warmup=2)))
report("R1", "numpy", measurements, result=check)
