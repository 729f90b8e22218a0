#!/usr/bin/env python3
"""Differential tests: each program runs under `adl` and under CPython + NumPy (prelude.py).

    python Tests/differential/run.py --adl .build/debug/adl [-j 2] [-v] [NAME_SUBSTRING...]

For every `programs/*.adl` both sides run with the programs folder as working directory
and the file name as argument. They must both exit 0 and print the same stdout, where
numbers compare with rtol 1e-9 / atol 1e-12 (nan equals nan, infinities exactly, an
int-looking token never equals a float-looking one) and everything else, whitespace
included, compares exactly. A program whose first line is `# xfail: REASON` is skipped.
The last line is the summary `differential: N passed, M failed, K skipped`; the exit
status is 1 when anything failed (or nothing ran).
"""
import argparse
import concurrent.futures
import difflib
import math
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"
PRELUDE = HERE / "prelude.py"
ROOT = HERE.parent.parent

RTOL = 1e-9
ATOL = 1e-12
MAX_LINES = 40  # of each output and of the diff shown for a failure

# A number standing alone: not part of a name (x1, b01) or of a longer number.
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|inf|nan)(?![\w.])")
INT_LIKE = re.compile(r"[-+]?\d+")


def tokens(text):
    """`text` split into alternating ('text', s) and ('num', s) tokens."""
    out, pos = [], 0
    for m in NUMBER.finditer(text):
        if m.start() > pos:
            out.append(("text", text[pos:m.start()]))
        out.append(("num", m.group()))
        pos = m.end()
    if pos < len(text):
        out.append(("text", text[pos:]))
    return out


def numbers_match(a, b):
    if a == b:
        return True
    if bool(INT_LIKE.fullmatch(a)) != bool(INT_LIKE.fullmatch(b)):
        return False  # `2` and `2.0` are different printouts
    x, y = float(a), float(b)
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if math.isinf(x) or math.isinf(y):
        return x == y
    return abs(x - y) <= ATOL + RTOL * abs(y)


def first_difference(got, want):
    """None when the outputs agree, else a description of the first differing token."""
    g, w = tokens(got), tokens(want)
    for i, (a, b) in enumerate(zip(g, w)):
        same = a == b or (a[0] == b[0] == "num" and numbers_match(a[1], b[1]))
        if not same:
            return f"token {i}: adl {a[1]!r} vs reference {b[1]!r}"
    if len(g) != len(w):
        return f"adl printed {len(g)} tokens, the reference {len(w)}"
    return None


def clip(text, lines=MAX_LINES):
    """`text` cut to its first `lines` lines, saying how many were left out; ends with a newline."""
    rows = text.splitlines(True)
    if len(rows) > lines:
        rows = rows[:lines] + [f"... ({len(rows) - lines} more lines)\n"]
    text = "".join(rows)
    return text if text.endswith("\n") or not text else text + "\n"


def run(cmd, timeout):
    """(exit status or None on timeout, stdout, stderr) of `cmd` run in the programs folder."""
    try:
        p = subprocess.run(cmd, cwd=PROGRAMS, stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, errors="replace", timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        def text(b):
            return b.decode(errors="replace") if isinstance(b, bytes) else (b or "")
        return None, text(e.stdout), text(e.stderr) + f"\n(timed out after {timeout} s)"
    except OSError as e:
        return -1, "", f"could not run {cmd[0]}: {e}"


def check(program, adl, python, timeout):
    """('pass' | 'fail' | 'skip', report text) for one program."""
    first = program.read_text(encoding="utf-8").split("\n", 1)[0]
    if first.startswith("# xfail:"):
        return "skip", first[len("# xfail:"):].strip()
    ref_status, ref_out, ref_err = run([python, str(PRELUDE), program.name], timeout)
    if ref_status != 0:
        return "fail", f"the reference (prelude.py) failed, status {ref_status}:\n{clip(ref_err)}"
    status, out, err = run([adl, program.name], timeout)
    problems = []
    if status != 0:
        problems.append(f"adl exited with status {status}; stderr:\n{clip(err).rstrip()}")
    elif err:
        problems.append(f"adl wrote to stderr:\n{clip(err).rstrip()}")
    difference = first_difference(out, ref_out)
    if difference:
        diff = "".join(difflib.unified_diff(ref_out.splitlines(True), out.splitlines(True),
                                            "reference (CPython + NumPy)", "adl"))
        problems.append(f"stdout differs ({difference})\n=== adl stdout:\n{clip(out)}=== reference stdout:\n"
                        f"{clip(ref_out)}=== diff:\n{clip(diff)}")
    return ("fail", "\n".join(problems)) if problems else ("pass", "")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--adl", default=str(ROOT / ".build" / "debug" / "adl"), help="the adl binary")
    ap.add_argument("--python", default=sys.executable, help="the Python (with NumPy) for the reference")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds per program and side")
    ap.add_argument("-v", "--verbose", action="store_true", help="list passing programs too")
    ap.add_argument("names", nargs="*", help="run only programs whose name contains one of these")
    args = ap.parse_args()

    adl = os.path.abspath(args.adl)
    programs = sorted(PROGRAMS.glob("*.adl"))
    if args.names:
        programs = [p for p in programs if any(n in p.name for n in args.names)]
    if not programs:
        print("differential: no programs found", file=sys.stderr)
        print("differential: 0 passed, 1 failed")
        return 1
    if not os.access(adl, os.X_OK):
        print(f"differential: no adl binary at {adl} (build it first)", file=sys.stderr)

    counts = {"pass": 0, "fail": 0, "skip": 0}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        jobs = {p: pool.submit(check, p, adl, args.python, args.timeout) for p in programs}
        for program, job in jobs.items():  # report in name order
            outcome, text = job.result()
            counts[outcome] += 1
            if outcome == "fail":
                print(f"FAIL {program.name}\n{text.rstrip()}\n", flush=True)
            elif outcome == "skip":
                print(f"skip {program.name}: {text}", flush=True)
            elif args.verbose:
                print(f"ok   {program.name}", flush=True)
    print(f"differential: {counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped")
    return 1 if counts["fail"] or not counts["pass"] else 0


if __name__ == "__main__":
    sys.exit(main())
