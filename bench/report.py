#!/usr/bin/env python3
"""Prints the benchmark table: ADL next to its peers, with the ratio and the goal.

    python bench/report.py bench/out

Reads OUT/results.jsonl (one JSON line per script, ADL's and the references' alike:
{"workload", "system", "measurements": [{"name", "min", "median", "unit", ...}]}) and
OUT/loadavg_start, OUT/loadavg_end. Ratios compare the Min columns (best run). Lua's
times are process CPU time (os.clock), and so are ADL's rows named "..., CPU time"
(process_time()); every other row is wall time.
"""
import json
import sys
from pathlib import Path

SCALE = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}  # seconds per unit

# (workload, ADL measurement, [(peer system, peer measurement, goal: ADL/peer at most)])
COMPARISONS = [
    ("B1", "loop in function (locals)", [("lua5.4", "loop (locals)", 1.0),
                                         ("cpython", "loop in function (locals)", 0.25)]),
    ("B1", "loop in function (locals), CPU time", [("lua5.4", "loop (locals)", 1.0)]),
    ("B1", "loop at module level (globals)", [("cpython", "loop at module level (globals)", 0.25)]),
    ("B2", "fib(27)", [("lua5.4", "fib(27)", 1.0), ("cpython", "fib(27)", 0.25)]),
    ("B2", "fib(27), CPU time", [("lua5.4", "fib(27)", 1.0)]),
    ("B3", "chain, x given", [("numpy", "chain, x given", 1.0)]),
    ("B3", "linspace + chain", [("numpy", "linspace + chain", 1.0)]),
    ("B3", "x*y+1.0, sum", [("numpy", "x*y+1.0, sum", 1.0)]),
    ("B4", "A@B 1000x1000", [("numpy", "A@B 1000x1000", 1.05)]),
    # Differentiation (issue 4): ADL's own f is a peer where the goal is a ratio to it.
    ("B5", "grad", [("adl", "f", 2.0), ("jax-jit", "grad", 1.0), ("autograd", "grad", 1.0)]),
    ("B6", "grad wrt w", [("jax-jit", "grad wrt w", 1.0), ("autograd", "grad wrt w", 1.0)]),
    ("B7", "grad wrt W1,b1,W2,b2", [("jax-jit", "grad wrt W1,b1,W2,b2", 1.0),
                                    ("autograd", "grad wrt W1,b1,W2,b2", 1.0)]),
    ("B8", "grad call", [("jax-jit", "jit grad call, numpy in/out, synced", 1.0),
                         ("autograd", "grad call (autograd)", 1.0)]),
    ("B10", "first call (trace, compile, run)", [("autograd", "grad through 1000-step loop", 1.0)]),
    ("B12", "hessian n=100", [("jax-jit", "hessian n=100", 1.0), ("autograd", "hessian n=100", 1.0)]),
    # Optimisation (issue 6): the same L-BFGS-B run; SciPy's cost with a NumPy gradient is the floor.
    ("B9", "minimize n=100", [("scipy-numpy", "minimize n=100", 1.0),
                              ("scipy-numpy", "minimize n=100, BLAS threads=1", 1.0),
                              ("scipy+jax-jit", "minimize n=100", 0.5),
                              ("scipy+autograd", "minimize n=100", 1.0)]),
    ("B9", "minimize n=10000 (1 run)", [("scipy-numpy", "minimize n=10000, BLAS threads=1 (1 run)", 1.0),
                                        ("scipy-numpy", "minimize n=10000 (1 run)", 1.0),
                                        ("scipy+jax-jit", "minimize n=10000 (1 run)", 1.0)]),
    ("L1", "solve 500x500, b (500,)", [("numpy", "solve 500x500, b (500,)", 1.1)]),
    ("L1", "solve 500x500, B 500x500", [("numpy", "solve 500x500, B 500x500", 1.1)]),
    ("L1", "inv 500x500", [("numpy", "inv 500x500", 1.1)]),
] + [
    # E1: one function of 10^7 floats, a fresh result each call (both sides).
    ("E1", f, [("numpy", f, 1.2)]) for f in ("exp", "log", "sin", "cos", "tanh", "sqrt")
] + [
    # R1: reductions of a 1000x1000 matrix.
    ("R1", f"{f} {where}", [("numpy", f"{f} {where}", 1.2)])
    for f in ("sum", "mean", "max", "min", "prod") for where in ("axis=0", "axis=1", "all")
]
STARTUP_GOAL_MS = 5.0  # B11: `adl -c "1 + 1"` at most this, wall clock


def load(out):
    """{(workload, system): {measurement name: measurement}} and the extra fields per line."""
    found, extra = {}, {}
    path = out / "results.jsonl"
    for line in path.read_text().splitlines() if path.exists() else []:
        try:
            d = json.loads(line)
        except json.JSONDecodeError:
            continue
        if "workload" not in d:
            continue
        key = (d["workload"], d["system"])
        found.setdefault(key, {}).update({m["name"]: m for m in d["measurements"]})
        extra[key] = d
    return found, extra


def seconds(m):
    return m["min"] * SCALE[m["unit"]]


def show(m, unit):
    """`m`'s min in `unit`, 3 significant digits."""
    return f"{m['min'] * SCALE[m['unit']] / SCALE[unit]:.3g}" if m else "—"


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "out")
    found, extra = load(out)
    rows = []  # workload, measurement, adl min, unit, peer, peer min, ratio, goal, verdict

    def adl(workload, name):
        return found.get((workload, "adl"), {}).get(name)

    for workload, name, peers in COMPARISONS:
        a = adl(workload, name)
        for system, peer_name, goal in peers:
            p = found.get((workload, system), {}).get(peer_name)
            unit = (a or p or {"unit": "s"})["unit"]
            if a and p:
                ratio = seconds(a) / seconds(p)
                verdict = "yes" if ratio <= goal else "NO"
                ratio_text = f"{ratio:.2f}"
            else:
                ratio_text, verdict = "—", "missing"
            rows.append((workload, name, show(a, unit), unit, system, show(p, unit), ratio_text,
                         f"≤ {goal:g}×", verdict))

    # ADL measurements with no peer (e.g. B3's x*y+1.0): shown for information.
    compared = {(w, n) for w, n, _ in COMPARISONS}
    for (workload, system), ms in sorted(found.items()):
        if system == "adl" and workload != "B11":
            for name, m in ms.items():
                if (workload, name) not in compared:
                    rows.append((workload, name, show(m, m["unit"]), m["unit"], "—", "—", "—", "—", "info"))

    # B11: an absolute goal for ADL; the peers' startup for scale.
    a11 = next(iter(found.get(("B11", "adl"), {}).values()), None)
    verdict = ("yes" if seconds(a11) * 1e3 <= STARTUP_GOAL_MS else "NO") if a11 else "missing"
    rows.append(("B11", "adl -c '1 + 1'", show(a11, "ms"), "ms", "—", "—", "—",
                 f"≤ {STARTUP_GOAL_MS:g} ms", verdict))
    for system in ("lua5.4", "cpython"):
        p = next(iter(found.get(("B11", system), {}).values()), None)
        ratio = f"{seconds(a11) / seconds(p):.2f}" if a11 and p else "—"
        rows.append(("B11", "startup", show(a11, "ms"), "ms", system, show(p, "ms"), ratio, "—", "info"))

    header = ("workload", "measurement", "ADL min", "unit", "peer", "peer min", "ADL/peer", "goal", "met")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = "  ".join(f"{{:{'<' if i in (0, 1, 3, 4, 7, 8) else '>'}{w}}}" for i, w in enumerate(widths))
    print(line.format(*header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line.format(*r))

    def loadavg(name):
        f = out / name
        return f.read_text().strip() if f.exists() else "?"

    print()
    print(f"load average (1, 5, 15 min): at start {loadavg('loadavg_start')}, at end {loadavg('loadavg_end')}"
          " (2 cores: above ~0.5 the numbers are noisy)")
    blas = extra.get(("B4", "numpy"), {}).get("blas")
    if blas:
        print(f"NumPy's BLAS: {blas}; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for every run")
    print("Min = best rep; lua5.4 times and ADL's '..., CPU time' rows are CPU time (os.clock,"
          " process_time()), the rest wall time."
          f" Raw output: {out}/")
    met = [r for r in rows if r[8] in ("yes", "NO", "missing")]
    print(f"goals met: {sum(r[8] == 'yes' for r in met)} of {len(met)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
