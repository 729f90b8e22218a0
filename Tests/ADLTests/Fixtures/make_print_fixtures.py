#!/usr/bin/env python3
"""Regenerates the printing fixtures the array tests compare against.

Run from anywhere with NumPy 2.x installed:

    python3 Tests/ADLTests/Fixtures/make_print_fixtures.py

Writes, beside this script, JSON-lines files:
  array_print.jsonl   {"shape", "bool", "values", "str", "repr"}: NumPy's str/repr
  python_float.jsonl  {"x", "repr"}: Python's repr(float)
  format_spec.jsonl   {"kind", "x", "spec", "out" | "error"}: format(x, spec)
  indexing.jsonl      random index expressions on arange arrays: NumPy's result
                      of x[idx] and of x[idx] = v, or its error message
  numeric.jsonl       NumPy results of elementwise ops on special values, sums
                      (pairwise order), arange and linspace, bit for bit
Floats travel as float.hex() text (exact; Swift's Double(String) parses it).
The generator is seeded, so reruns give identical files.
"""
import json
import math
import os
import random
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261101)
prng = random.Random(20261101)


def hexs(x):
    return float(x).hex()


# ---------------------------------------------------------------- arrays
def array_cases():
    cases = []

    def add(a):
        cases.append(np.asarray(a))

    shapes = [(5,), (3, 4), (2, 3, 4), (1, 1, 1), (10,), (7, 12), (2, 2, 2, 2), (4, 1), (1, 6)]
    # Random magnitudes over the whole range and over narrow ranges (positional).
    for shape in shapes:
        n = int(np.prod(shape))
        add((rng.choice([-1, 1], n) * 10.0 ** rng.uniform(-12, 12, n)).reshape(shape))
        for lo in (-6, -4, -3, -1, 0, 2, 5, 7):
            for width in (0.5, 2, 3.5):
                v = rng.choice([-1, 1], n) * 10.0 ** rng.uniform(lo, lo + width, n)
                add(v.reshape(shape))
        add(rng.integers(-1000, 1000, n).astype(float).reshape(shape))
        add(np.round(rng.normal(0, 100, n), 2).reshape(shape))
        add(np.round(rng.normal(0, 1, n), 4).reshape(shape))
        add(rng.uniform(0, 1, n).reshape(shape))
        add(rng.integers(0, 2, n).astype(bool).reshape(shape))
    # Non-finite values and signed zeros mixed with each kind of format.
    specials = [np.nan, np.inf, -np.inf, 0.0, -0.0]
    for base in ([1.0, 2.5, 3.0], [1e-7, 2.0], [1e10, 3.0], [0.5, 0.25], [], [1e-300], [123456.789]):
        for sp in specials:
            add(np.array(base + [sp]))
        add(np.array(base + specials))
    add(np.array([np.nan]))
    add(np.array([np.inf, np.nan]))
    add(np.array([-np.inf, np.nan]))
    add(np.array([0.0]))
    add(np.array([-0.0, 0.0]))
    add(np.array([0.0, 1e-5]))
    add(np.array([0.0, 1.5e-5]))
    add(np.array([1e-100, 1.0]))
    add(np.array([1e200, -1e-200, 3.0]))
    add(np.array([5e-324, 1.0]))
    add(np.array([1.7976931348623157e308, 1.0]))
    add(np.array([1e8, 1.0]))
    add(np.array([99999999.0, 1.0]))
    add(np.array([99999999.5, 1.0]))
    add(np.array([1e-4, 0.1]))
    add(np.array([0.99999e-4, 0.1]))
    add(np.array([1.0, 1000.0]))
    add(np.array([1.0, 1000.1]))
    add(np.array([0.001953125, 1.0]))
    add(np.array([0.123456785, 0.123456775, 0.12345677499999999]))
    add(np.array([9.999999995, 0.5]))
    add(np.array([9.9999999951, 0.5]))
    add(np.array([1 / 3, 2 / 3, 1.0]))
    add(np.array([1e16, 1.0]))
    add(np.array([2.0, 4.0, 6.0]))
    add(np.array([[1.0, 2.0], [3.0, 4.0]]))
    # Wrapping: long rows, long elements, nested dims.
    add(rng.normal(0, 1000, 20))
    add(rng.normal(0, 1, (3, 30)))
    add(rng.normal(0, 1e-6, (2, 2, 12)))
    add(rng.normal(0, 1, 26))
    add(np.arange(30.0))
    add(np.arange(24.0).reshape(2, 3, 4))
    add(np.arange(25.0) * 1e5)
    add(rng.integers(0, 2, 40).astype(bool))
    add(rng.integers(0, 2, (3, 30)).astype(bool))
    # Summarised arrays.
    add(np.arange(1001.0))
    add(np.arange(1001.0) / 7)
    add(rng.normal(0, 1, (40, 40)))
    add(rng.normal(0, 1e9, (40, 40)))
    add(np.arange(2000.0).reshape(2, 10, 100))
    add(rng.normal(0, 1, (3, 1001)))
    add(rng.integers(0, 2, 1500).astype(bool))
    add(np.concatenate([np.arange(1001.0), [np.nan]]))
    add(rng.normal(0, 1, (11, 11, 11)))
    # Empty and 0-d arrays.
    for shape in [(0,), (2, 0), (0, 3), (0, 0), (1, 0, 2)]:
        add(np.zeros(shape))
        add(np.zeros(shape, dtype=bool))
    for v in [2.0, -0.5, 1e-7, 1e20, np.nan, -np.inf, 123456789.0]:
        add(np.array(v))
    add(np.array(True))
    add(np.array(False))
    # Random mixtures: random shapes, magnitudes, rounding and special values.
    for _ in range(250):
        ndim = int(rng.integers(1, 4))
        shape = tuple(int(d) for d in rng.integers(1, 9, ndim))
        n = int(np.prod(shape))
        lo = rng.uniform(-9, 9)
        v = rng.choice([-1, 1], n) * 10.0 ** rng.uniform(lo, lo + rng.uniform(0, 5), n)
        if rng.random() < 0.4:
            v = np.round(v, int(rng.integers(0, 6)))
        for special in (np.nan, np.inf, -np.inf, 0.0, -0.0):
            if rng.random() < 0.15:
                v[rng.integers(0, n)] = special
        add(v.reshape(shape))
    # Random bit patterns (any float at all).
    for _ in range(20):
        bits = rng.integers(0, 2**63, 6, dtype=np.int64)
        add(bits.view(np.float64))
    return cases


def write_arrays():
    path = os.path.join(HERE, "array_print.jsonl")
    with open(path, "w") as f:
        for a in array_cases():
            rec = {
                "shape": list(a.shape),
                "bool": bool(a.dtype == np.bool_),
                "values": [hexs(v) for v in a.astype(float).ravel()],
                "str": str(a),
                "repr": repr(a),
            }
            f.write(json.dumps(rec) + "\n")


# ---------------------------------------------------------------- repr(float)
def float_values():
    vals = [0.0, -0.0, 1.0, -1.0, 0.1, 0.2, 0.3, 1 / 3, 2.0, 1e16, 1e15, 9999999999999998.0,
            1e16 - 2, 2e16 + 8, 1e17, 1e-4, 1e-5, 0.0001, 0.00009999, 0.00011, 1e22, 1e23,
            5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, math.pi, math.e,
            float("inf"), float("-inf"), float("nan"), 123456789012345678.0, 0.5, 100.0,
            1234.5, 1e300, 1e-300, 4.35, 2.675, 0.1 + 0.2]
    for e in range(-20, 25):
        vals.append(10.0 ** e)
        vals.append(-(10.0 ** e) * 1.5)
    for _ in range(600):
        vals.append(struct.unpack("<d", struct.pack("<Q", prng.getrandbits(64)))[0])
    for _ in range(600):
        vals.append(prng.choice([-1, 1]) * 10 ** prng.uniform(-30, 30))
    for _ in range(300):
        vals.append(float(prng.randint(-10**17, 10**17)))
    for _ in range(300):
        vals.append(round(prng.uniform(-1000, 1000), prng.randint(0, 6)))
    for _ in range(200):
        vals.append(prng.uniform(0, 1))
    return vals


def write_floats():
    path = os.path.join(HERE, "python_float.jsonl")
    with open(path, "w") as f:
        for v in float_values():
            f.write(json.dumps({"x": hexs(v), "repr": repr(v)}) + "\n")


# ---------------------------------------------------------------- format specs
FLOAT_SPECS = ["", "f", ".2f", ".0f", "#.0f", "10.3f", "<10.3f", "^10.3f", "=+10.3f", "*^12.4f",
               "+.3f", " .3f", "e", ".3e", "E", ".0e", "#.0e", "g", ".3g", "#.3g", "G", ".10g",
               "%", ".1%", ".3", ".1", ".10", "10", "010", "010.2f", ",", ",.2f", "_.2f",
               "015,.2f", "015_.3f", "08,", "z.1f", "z.2e", "+", " ", "#", "#g", "n", ".2n",
               "-^20", "x<8", "0<8", ">12e", ".20f", ".17g", ".25e", "12.5%", "d", "s", "x",
               ".3q", "abc", ",_", "__", ".", "+#010.1f", ",e", "_g", "0>10.2f"]
INT_SPECS = ["", "d", "5d", "<5", "^7", "+d", " d", ",", "_", "010,", "08,d", "b", "#b", "o", "#o",
             "x", "#x", "X", "#X", "_b", "#012_x", "010", "=+8", "n", "c", "f", ".2f", "e", "%",
             ".3", "z", "+c", "s", ",b", "g", ".2g"]
STR_SPECS = ["", "s", "10", "<10", ">10", "^10", "*^9", ".2", "10.3s", "05", "+", "=10", "#", ",",
             "d", "0^7"]


def fmt_record(kind, x, spec):
    rec = {"kind": kind, "spec": spec}
    if kind == "float":
        rec["x"] = hexs(x)
    elif kind == "int":
        rec["x"] = str(x)
    else:
        rec["x"] = x
    try:
        rec["out"] = format(x, spec)
    except (ValueError, TypeError, OverflowError):
        rec["error"] = True
    return rec


def write_formats():
    path = os.path.join(HERE, "format_spec.jsonl")
    floats = [0.0, -0.0, 1.0, -1.0, 3.14159265, -2.5, 0.5, 1.5, 2.5, 1234567.891, -0.000123456,
              1e-10, 1e16, 1e22, 123456789.0, 0.001, 9.9999, 99.995, float("inf"), float("-inf"),
              float("nan"), 1 / 3, 7.0, 1e300, 5e-324]
    ints = [0, 1, -1, 7, 42, -42, 255, 1000, -1234567, 65, 10**15, -(2**63), 2**63 - 1]
    strs = ["", "a", "abc", "hello world", "héllo"]
    with open(path, "w") as f:
        for x in floats:
            for spec in FLOAT_SPECS:
                f.write(json.dumps(fmt_record("float", x, spec)) + "\n")
        for x in ints:
            for spec in INT_SPECS:
                f.write(json.dumps(fmt_record("int", x, spec)) + "\n")
        for x in strs:
            for spec in STR_SPECS:
                f.write(json.dumps(fmt_record("str", x, spec)) + "\n")


# ---------------------------------------------------------------- numerics
BINARY = ["add", "subtract", "multiply", "divide", "floor_divide", "remainder", "power",
          "maximum", "minimum", "arctan2", "hypot", "logaddexp", "less", "less_equal", "greater",
          "greater_equal", "equal", "not_equal", "logical_and", "logical_or", "logical_xor"]
UNARY = ["negative", "positive", "absolute", "sign", "sqrt", "square", "exp", "exp2", "expm1",
         "log", "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
         "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "floor", "ceil", "round",
         "isnan", "isinf", "isfinite", "logical_not"]
SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3.0, -3.0, 7.0, -7.0, 0.1, 1e-320,
           1e300, -1e300, 1e16 + 2, np.inf, -np.inf, np.nan]


def write_numerics():
    path = os.path.join(HERE, "numeric.jsonl")
    a = np.array(SPECIAL)
    x = np.repeat(a, len(a))
    y = np.tile(a, len(a))
    with open(path, "w") as f, np.errstate(all="ignore"):
        # Binary ops run over all pairs (SPECIAL[i], SPECIAL[j]), i-major.
        f.write(json.dumps({"op": "special", "x": [hexs(v) for v in a]}) + "\n")
        for name in BINARY:
            out = getattr(np, name)(x, y).astype(float)
            f.write(json.dumps({"op": "binary", "name": name,
                                "out": [hexs(v) for v in out]}) + "\n")
        for name in UNARY:
            out = getattr(np, name)(a).astype(float)
            f.write(json.dumps({"op": "unary", "name": name, "x": [hexs(v) for v in a],
                                "out": [hexs(v) for v in out]}) + "\n")
        cases = {(0,): [None], (1,): [None], (7,): [None], (9,): [None], (100,): [None],
                 (129,): [None], (2000,): [None], (30, 40): [None, (0,), (1,), (-1, 0)],
                 (3, 4, 150): [(2,), (0, 2), (1, 2), (0, 1), (1,), None],
                 (3, 150, 4): [(1,), (0, 1), (2,)], (200, 3): [(0,)]}
        for shape, axes_list in cases.items():
            v = rng.normal(0, 1, shape) * 10.0 ** rng.uniform(-1, 1, shape)
            results = []
            for axes in axes_list:
                for red in ("sum", "mean", "prod", "max", "min"):
                    if red in ("max", "min") and v.size == 0:
                        continue
                    out = np.asarray(getattr(np, red)(v, axis=axes)).astype(float)
                    results.append({"name": red, "axes": list(axes) if axes is not None else None,
                                    "outshape": list(out.shape), "out": [hexs(t) for t in out.ravel()]})
            f.write(json.dumps({"op": "reduce", "shape": list(shape),
                                "x": [hexs(t) for t in v.ravel()], "results": results}) + "\n")
        for start, stop, step in [(0, 10, 1), (0.1, 1, 0.1), (1, 0, -0.3), (0, 1, 0.1),
                                  (-5, 5, 0.7), (0, 0, 1), (5, 1, 1), (1e16, 1e16 + 10, 3),
                                  (0, 1, 1e-1 / 3), (2.5, 9.25, 0.25), (0, 1e-300, 1e-301)]:
            out = np.arange(start, stop, step, dtype=float)
            f.write(json.dumps({"op": "arange", "args": [hexs(start), hexs(stop), hexs(step)],
                                "out": [hexs(t) for t in out]}) + "\n")
        for start, stop, num, endpoint in [(0, 1, 5, True), (0, 1, 5, False), (-1, 7, 11, True),
                                           (0.1, 0.9, 7, True), (1, 1, 4, True), (2, 3, 1, True),
                                           (2, 3, 1, False), (0, 1, 0, True), (5e-324, 1e-323, 5, True),
                                           (3, -2.5, 50, True), (0, 10, 3, False)]:
            out = np.linspace(start, stop, num, endpoint=endpoint)
            f.write(json.dumps({"op": "linspace", "args": [hexs(start), hexs(stop)], "num": num,
                                "endpoint": endpoint, "out": [hexs(t) for t in out]}) + "\n")


# ---------------------------------------------------------------- indexing
def random_index(shape):
    """A random index expression (as a tuple) and its JSON encoding."""
    comps, enc = [], []
    axis = 0
    used_ellipsis = False
    used_advanced = False
    n = prng.randint(0, len(shape) + 1)
    for _ in range(n):
        kind = prng.choice("iiisssnea" + ("m" if not used_advanced else "") + ("x" if prng.random() < 0.05 else ""))
        size = shape[axis] if axis < len(shape) else 3
        if kind == "i":
            i = prng.randint(-size - 1, size)
            comps.append(i); enc.append(["i", i])
            axis += 1
        elif kind == "s":
            def part():
                return None if prng.random() < 0.4 else prng.randint(-size - 2, size + 2)
            st = None if prng.random() < 0.5 else prng.choice([1, 2, 3, -1, -2, -3])
            if prng.random() < 0.03:
                st = 0
            a, b = part(), part()
            comps.append(slice(a, b, st)); enc.append(["s", a, b, st])
            axis += 1
        elif kind == "n":
            comps.append(None); enc.append(["n"])
        elif kind == "e" and not used_ellipsis:
            used_ellipsis = True
            comps.append(Ellipsis); enc.append(["e"])
            axis = len(shape) - (n - len(comps))
            axis = max(axis, 0)
        elif kind == "a" and not used_advanced:
            used_advanced = True
            k = prng.randint(0, 4)
            vals = [float(prng.randint(-size, size - 1)) if size > 0 else 0.0 for _ in range(k)]
            if prng.random() < 0.05:
                vals.append(1.5)
            ishape = [len(vals)]
            if len(vals) == 4 and prng.random() < 0.5:
                ishape = [2, 2]
            comps.append(np.array(vals).reshape(ishape).astype(np.intp) if 1.5 not in vals else np.array(vals))
            enc.append(["a", ishape, [hexs(v) for v in vals]])
            axis += 1
        elif kind == "m" and not used_advanced:
            used_advanced = True
            k = prng.randint(1, 2) if axis < len(shape) else 1
            mshape = list(shape[axis:axis + k]) or [2]
            if prng.random() < 0.1:
                mshape = [mshape[0] + 1] + mshape[1:]
            mvals = rng.integers(0, 2, int(np.prod(mshape))).astype(bool)
            comps.append(mvals.reshape(mshape))
            enc.append(["m", mshape, [bool(v) for v in mvals]])
            axis += len(mshape)
        elif kind == "x":
            comps.append(Ellipsis); enc.append(["e"])
            comps.append(Ellipsis); enc.append(["e"])
    return tuple(comps), enc


def write_indexing():
    path = os.path.join(HERE, "indexing.jsonl")
    with open(path, "w") as f:
        for shape in [(5,), (4, 3), (2, 3, 4), (3, 1, 2), (0,), (2, 0, 3), ()] * 100:
            x = np.arange(float(np.prod(shape))).reshape(shape)
            idx, enc = random_index(shape)
            rec = {"shape": list(shape), "index": enc}
            try:
                r = x[idx]
                rec["outshape"] = list(np.shape(r))
                rec["out"] = [float(v) for v in np.ravel(r)]
            except Exception as e:
                rec["error"] = str(e)
            # Assignment of a value broadcast over the selection.
            y = x.copy()
            vshape = list(rec.get("outshape", [2]))
            if vshape and prng.random() < 0.5:
                vshape = vshape[1:] if prng.random() < 0.5 else [1] + vshape[1:]
            if prng.random() < 0.1:
                vshape = [7]
            v = -1.0 - np.arange(float(np.prod(vshape))).reshape(vshape)
            rec["value"] = {"shape": vshape, "values": [float(t) for t in v.ravel()]}
            try:
                y[idx] = v
                rec["after"] = [float(t) for t in y.ravel()]
            except Exception as e:
                rec["seterror"] = str(e)
            f.write(json.dumps(rec) + "\n")


if __name__ == "__main__":
    write_indexing()
    write_numerics()
    write_arrays()
    write_floats()
    write_formats()
