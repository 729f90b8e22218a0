#!/usr/bin/env python3
"""File round trips between ADL and NumPy: .npy files and text tables.

    python Tests/differential/npy_roundtrip.py --adl .build/debug/adl [-v]

Everything happens in a fresh temporary folder, removed at the end:

1. NumPy writes a .npy file for every dtype ADL reads (bool, int8-int64, uint8-uint64,
   float16/32/64), both byte orders, C and Fortran order, format versions 1.0, 2.0 and
   3.0 and several shapes; one ADL program loads each and saves it again. NumPy then
   checks each file ADL wrote: it must hold the values of the original converted to
   float64 (bool stays bool), and its bytes must be exactly what `np.save` writes.
2. Malformed .npy files (every truncation of a valid file, a bad magic string, bad
   versions, unsupported dtypes, broken headers) must each make `load` fail with an ADL
   error naming the file: exit status 1, "cannot load '<name>'" on stderr.
3. `savetxt` with various formats, delimiters, headers and footers must write the bytes
   `np.savetxt` writes, and `loadtxt` must read text tables (comments, blank lines, CRLF
   and CR line ends, tabs, usecols, skiprows, ndmin...) as `np.loadtxt` does; malformed
   tables must fail with an ADL error naming the file.

The last line is `roundtrip: N passed, M failed`; the exit status is 1 if anything failed.
"""
import argparse
import io
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import warnings

import numpy as np

DTYPES = ["b1", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8"]
SHAPES = [(), (0,), (5,), (2, 3), (3, 1, 4), (0, 2)]
VERSIONS = [(1, 0), (2, 0), (3, 0)]


class Checker:
    def __init__(self, verbose):
        self.passed = 0
        self.failed = 0
        self.verbose = verbose

    def check(self, ok, name, detail=""):
        if ok:
            self.passed += 1
            if self.verbose:
                print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}" + (f"\n{detail}" if detail else ""), flush=True)


def run_adl(adl, program, cwd):
    """(status, stdout, stderr) of `program` run by ADL as a script in `cwd`."""
    path = os.path.join(cwd, "_program.adl")
    with open(path, "w", encoding="utf-8") as f:
        f.write(program)
    p = subprocess.run([adl, path], cwd=cwd, capture_output=True, text=True, errors="replace",
                       stdin=subprocess.DEVNULL, timeout=300)
    return p.returncode, p.stdout, p.stderr


def adl_string(s):
    """An ADL string literal for `s`."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r") + '"'


def sample(dtype, shape, rng):
    """An array of `dtype` and `shape` whose first elements are the type's extremes."""
    dt = np.dtype(dtype).newbyteorder("=")
    n = int(np.prod(shape))
    if dt.kind == "b":
        values = rng.integers(0, 2, n).astype(bool)
    elif dt.kind in "iu":
        info = np.iinfo(dt)
        values = rng.integers(info.min, info.max, n, endpoint=True, dtype=dt)
        special = np.array([info.min, info.max, 0, 1, info.max - 1], dtype=dt)[:n]
        values[:len(special)] = special
    else:
        info = np.finfo(dt)
        values = (rng.standard_normal(n) * 10.0 ** rng.integers(-4, 4, n)).astype(dt)
        special = np.array([np.inf, -np.inf, np.nan, -0.0, info.smallest_subnormal, info.max, -info.tiny,
                            0.1], dtype=dt)[:n]
        values[:len(special)] = special
    return values.reshape(shape)


def expected_bytes(array):
    f = io.BytesIO()
    np.save(f, array.copy(order="C"))
    return f.getvalue()


def same_values(a, b):
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype == bool:
        return np.array_equal(a, b)
    return np.array_equal(a, b, equal_nan=True) and np.array_equal(np.signbit(a), np.signbit(b))


# --------------------------------------------------------------------------------------
# 1. .npy files NumPy writes, loaded and saved again by ADL
# --------------------------------------------------------------------------------------


def npy_round_trips(adl, tmp, checker):
    rng = np.random.default_rng(20240607)
    os.makedirs(os.path.join(tmp, "in"))
    os.makedirs(os.path.join(tmp, "out"))
    cases = []
    for code, shape, version in itertools.product(DTYPES, SHAPES, VERSIONS):
        orders = ["<", ">"] if np.dtype(code).itemsize > 1 else ["|"]
        layouts = ["C", "F"] if len(shape) >= 2 else ["C"]
        for order, layout in itertools.product(orders, layouts):
            dt = np.dtype(order + code if order != "|" else code)
            base = sample(dt, shape, rng).astype(dt)
            array = base.copy(order=layout)
            name = f"{code}{'be' if order == '>' else ''}_{'x'.join(map(str, shape)) or 'scalar'}_{layout}_v{version[0]}.npy"
            with open(os.path.join(tmp, "in", name), "wb") as f:
                np.lib.format.write_array(f, array, version=version)
            cases.append((name, base))
    program = "".join(f'save("out/{n}", load("in/{n}"))\n' for n, _ in cases)
    status, out, err = run_adl(adl, program, tmp)
    checker.check(status == 0 and not err, "ADL loads and saves every NumPy-written .npy file", err[-2000:])
    for name, base in cases:
        path = os.path.join(tmp, "out", name)
        if not os.path.exists(path):
            checker.check(False, f"load/save {name}", "ADL wrote no file")
            continue
        want = base.astype(bool if base.dtype == bool else np.float64)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = np.load(path)
        checker.check(same_values(got, want), f"load/save {name}: values",
                      f"  want {want.dtype} {want.shape} {want!r}\n  got  {got.dtype} {got.shape} {got!r}")
        with open(path, "rb") as f:
            written = f.read()
        checker.check(written == expected_bytes(want), f"load/save {name}: bytes as np.save",
                      f"  ADL:   {written[:140]!r}\n  NumPy: {expected_bytes(want)[:140]!r}")


# --------------------------------------------------------------------------------------
# 2. Malformed .npy files
# --------------------------------------------------------------------------------------


def npy_header(text, version=(1, 0)):
    header = text.encode("latin1" if version != (3, 0) else "utf8")
    length_size = 2 if version == (1, 0) else 4
    total = 6 + 2 + length_size + len(header) + 1
    header += b" " * ((64 - total % 64) % 64) + b"\n"
    return b"\x93NUMPY" + bytes(version) + len(header).to_bytes(length_size, "little") + header


def malformed_files():
    good = expected_bytes(np.arange(3.0))
    files = {f"truncated_{n}.npy": good[:n] for n in range(len(good))}
    files.update({
        "bad_magic.npy": b"\x93NUMPZ" + good[6:],
        "text.npy": b"1.0 2.0 3.0\n",
        "npz.npy": b"PK\x03\x04" + b"\0" * 60,
        "version_4.npy": good[:6] + b"\x04\x00" + good[8:],
        "version_1_1.npy": good[:6] + b"\x01\x01" + good[8:],
        "complex.npy": npy_header("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }") + b"\0" * 16,
        "object.npy": npy_header("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }") + b"\0" * 8,
        "unicode.npy": npy_header("{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }") + b"\0" * 12,
        "longdouble.npy": npy_header("{'descr': '<f16', 'fortran_order': False, 'shape': (1,), }") + b"\0" * 16,
        "datetime.npy": npy_header("{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (1,), }") + b"\0" * 8,
        "structured.npy": npy_header("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }") + b"\0" * 8,
        "not_dict.npy": npy_header("['descr', 'fortran_order', 'shape']"),
        "missing_key.npy": npy_header("{'descr': '<f8', 'shape': (1,), }") + b"\0" * 8,
        "extra_key.npy": npy_header("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}") + b"\0" * 8,
        "bad_shape.npy": npy_header("{'descr': '<f8', 'fortran_order': False, 'shape': [1], }") + b"\0" * 8,
        "float_shape.npy": npy_header("{'descr': '<f8', 'fortran_order': False, 'shape': (1.0,), }") + b"\0" * 8,
        "negative_shape.npy": npy_header("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }"),
        "bad_order.npy": npy_header("{'descr': '<f8', 'fortran_order': 0, 'shape': (1,), }") + b"\0" * 8,
        "unparsable.npy": npy_header("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), ") + b"\0" * 8,
        "huge_shape.npy": npy_header("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }"),
        "long_header.npy": npy_header("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }" + " " * 20000,
                                      version=(2, 0)) + b"\0" * 8,
        "short_data.npy": npy_header("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }") + b"\0" * 23,
    })
    return files


def npy_errors(adl, tmp, checker):
    folder = os.path.join(tmp, "bad")
    os.makedirs(folder)
    for name, data in malformed_files().items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
        status, out, err = run_adl(adl, f'x = load("{name}")\nprint("loaded", x)\n', folder)
        checker.check(status == 1 and f"error: cannot load '{name}'" in err and not out,
                      f"load rejects {name}", f"  status {status}\n  stdout {out!r}\n  stderr {err[:600]!r}")


# --------------------------------------------------------------------------------------
# 3. Text tables
# --------------------------------------------------------------------------------------

SAVETXT_CASES = [
    ("[[1.5, -2.0, 3.0], [4.25, 5.0, -6.5]]", {}),
    ("[0.1, 1e-300, -1e300, 0.0]", {}),
    ("[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]", {"fmt": "%.3f", "delimiter": ","}),
    ("[[1.5, 2.5], [3.5, -4.5]]", {"fmt": "%d"}),
    ("[[1.7, -1.7, 0.4], [-0.4, 1e20, 123456.0]]", {"fmt": "%5i|%-6u|%+.3d"}),
    ("[[1.5, -2.7]]", {"fmt": "%5.1f|%-8g"}),
    ("[[1.5, 2.0]]", {"fmt": ["%d", "%.2f"], "delimiter": ","}),
    ("[[0.1, 1e-05, 123456789.0, 1e16, 1e22]]", {"fmt": "%s"}),
    ("[[1.5, 2.5]]", {"fmt": "%10.4s|"}),
    ("[[1.5, 2.5]]", {"fmt": "%-10s|"}),
    ("[[1.0, 2.0], [3.0, 4.0]]", {"header": "a b\nc d", "footer": "end\nreally", "comments": "## "}),
    ("[1.0, 2.0]", {"newline": "|"}),
    ("[[1e-5, 12345.678]]", {"fmt": "%#.0f %#g"}),
    ("[[1e-5, 12345.678, -0.0]]", {"fmt": "%E %G %F"}),
    ("[[1.5, 2.5]]", {"fmt": ["%.1f%%", "%%%.2e"]}),
    ("[[1.5, 2.5]]", {"fmt": "%.1f", "delimiter": ""}),
    ("[[True, False], [False, True]]", {}),
    ("[[True, False]]", {"fmt": "%s"}),
    ("[[True, False]]", {"fmt": "%d"}),
    ("zeros((0, 2))", {}),
    ("zeros((2, 0))", {}),
    ("[[1.5]]", {"header": "é ∂ unicode"}),
    ("[[inf, -inf, nan]]", {"fmt": "%e"}),
    ("[[inf, -inf, nan]]", {"fmt": "%08.2f"}),
    ("[[inf, -inf, nan]]", {"fmt": "%+08.2E"}),
    ("[[inf, -inf, nan]]", {"fmt": "%-8.2g|"}),
    ("[[12.5, -3.0]]", {"fmt": "%+08.3f % 07.1e"}),
    ("[[12.5, -3.0]]", {"fmt": "%ld %hd"}),
]


def adl_value(v):
    if isinstance(v, str):
        return adl_string(v)
    if isinstance(v, list):
        return "[" + ", ".join(adl_value(x) for x in v) + "]"
    return repr(v)


def python_value(text):
    return np.array(eval(text, {"zeros": np.zeros, "inf": np.inf, "nan": np.nan}))


def savetxt_cases(adl, tmp, checker):
    folder = os.path.join(tmp, "savetxt")
    os.makedirs(folder)
    lines = []
    for i, (x, kwargs) in enumerate(SAVETXT_CASES):
        args = "".join(f", {k}={adl_value(v)}" for k, v in kwargs.items())
        lines.append(f'savetxt("adl_{i}.txt", {x}{args})\n')
        np.savetxt(os.path.join(folder, f"numpy_{i}.txt"), python_value(x), **kwargs)
    status, out, err = run_adl(adl, "".join(lines), folder)
    checker.check(status == 0 and not err, "ADL runs every savetxt case", err[-2000:])
    for i, (x, kwargs) in enumerate(SAVETXT_CASES):
        try:
            with open(os.path.join(folder, f"adl_{i}.txt"), "rb") as f:
                got = f.read()
        except OSError:
            got = None
        with open(os.path.join(folder, f"numpy_{i}.txt"), "rb") as f:
            want = f.read()
        checker.check(got == want, f"savetxt({x}, {kwargs}) bytes as np.savetxt", f"  ADL:   {got!r}\n  NumPy: {want!r}")


LOADTXT_CASES = [
    ("1 2 3\n4 5 6\n", {}),
    ("1 2 3\r\n4 5 6\r\n", {}),
    ("1 2 3\r4 5 6\r", {}),
    ("# header\n\n1\t2  3 # trailing\n   \n4 5 6", {}),
    ("1,2,3\n4, 5 ,6\n", {"delimiter": ","}),
    ("1;2\n#x\n3;4\n", {"delimiter": ";"}),
    ("a b\n1 2\n3 4\n", {"skiprows": 1}),
    ("1 2\n3 4\n5 6\n", {"max_rows": 2}),
    ("1 2\n3 4\n5 6\n", {"usecols": [1]}),
    ("1 2 x\n3 4 y\n", {"usecols": [0, -2]}),
    ("7\n", {}),
    ("7\n", {"ndmin": 1}),
    ("7\n", {"ndmin": 2}),
    ("1 2 3\n", {"ndmin": 2}),
    ("1\n2\n3\n", {"ndmin": 2, "unpack": True}),
    ("1 2\n3 4\n", {"unpack": True}),
    ("", {}),
    ("# nothing\n", {"ndmin": 2}),
    ("1 2 // c\n3 4 // d\n", {"comments": "//"}),
    ("1 2 ! c\n3 4 # d\n", {"comments": ["!", "#"]}),
    ("# 1 2\n3 4\n", {"comments": None, "skiprows": 1}),
    ("1e400 -1e400 1e-400 4.9e-324 .5 5. +1 -0\n", {}),
    ("nan NaN inf -Infinity INF\n", {}),
    ("1\u00a02\u20033\n", {}),
    ("12 -3\n", {"dtype": "int"}),
    ("0.1 0.2\n0.3 0.4\n", {"encoding": "latin1"}),
]

LOADTXT_ERRORS = [
    ("1 2\n3\n", {}, "the number of columns changed from 2 to 1 at row 2"),
    ("1 2\n3 x\n", {}, "could not convert string 'x' to float64 at row 1, column 2."),
    ("1,,2\n", {"delimiter": ","}, "could not convert string '' to float64 at row 0, column 2."),
    ("1_000\n", {}, "could not convert string '1_000' to float64"),
    ("0x10\n", {}, "could not convert string '0x10' to float64"),
    ("1 2\n3 4\n", {"usecols": [5]}, "invalid column index 5 at row 1 with 2 columns"),
    ("1.5\n", {"dtype": "int"}, "could not convert string '1.5' to int64 at row 0, column 1."),
    ("\ufeff1 2\n", {}, "could not convert string '\\ufeff1' to float64"),
]


def loadtxt_cases(adl, tmp, checker):
    folder = os.path.join(tmp, "loadtxt")
    os.makedirs(folder)
    lines = []
    for i, (text, kwargs) in enumerate(LOADTXT_CASES):
        with open(os.path.join(folder, f"in_{i}.txt"), "w", encoding="utf-8", newline="") as f:
            f.write(text)
        args = "".join(f", {k}={adl_value(v) if v is not None else 'None'}" for k, v in kwargs.items())
        lines.append(f'save("out_{i}.npy", loadtxt("in_{i}.txt"{args}))\n')
    status, out, err = run_adl(adl, "".join(lines), folder)
    checker.check(status == 0 and not err, "ADL runs every loadtxt case", err[-2000:])
    for i, (text, kwargs) in enumerate(LOADTXT_CASES):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            numpy_kwargs = dict(kwargs, dtype=int) if kwargs.get("dtype") == "int" else kwargs
            want = np.loadtxt(os.path.join(folder, f"in_{i}.txt"), **numpy_kwargs).astype(np.float64)
        path = os.path.join(folder, f"out_{i}.npy")
        got = np.load(path) if os.path.exists(path) else None
        checker.check(got is not None and same_values(got, want), f"loadtxt({text!r}, {kwargs}) as np.loadtxt",
                      f"  ADL:   {got!r}\n  NumPy: {want!r}")
    for i, (text, kwargs, message) in enumerate(LOADTXT_ERRORS):
        name = f"bad_{i}.txt"
        with open(os.path.join(folder, name), "w", encoding="utf-8", newline="") as f:
            f.write(text)
        args = "".join(f", {k}={adl_value(v)}" for k, v in kwargs.items())
        status, out, err = run_adl(adl, f'x = loadtxt("{name}"{args})\n', folder)
        checker.check(status == 1 and f"error: cannot load '{name}': {message}" in err,
                      f"loadtxt rejects {text!r} {kwargs}", f"  status {status}\n  stderr {err[:600]!r}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--adl", default=os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "adl"))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    adl = os.path.abspath(args.adl)
    checker = Checker(args.verbose)
    tmp = tempfile.mkdtemp(prefix="adl-roundtrip-")
    try:
        npy_round_trips(adl, tmp, checker)
        npy_errors(adl, tmp, checker)
        savetxt_cases(adl, tmp, checker)
        loadtxt_cases(adl, tmp, checker)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"roundtrip: {checker.passed} passed, {checker.failed} failed")
    return 1 if checker.failed or not checker.passed else 0


if __name__ == "__main__":
    sys.exit(main())
