#!/usr/bin/env bash
# Benchmarks: ADL side by side with its reference peers, in one run on this machine.
#
#   make bench                      builds the release binary, then runs this
#   bash bench/run.sh               the same, with a binary already built
#
# Workloads (ADL script in bench/adl/ vs scripts in shared/bench/ref/):
#   B1  scalar loop      b01_loop.adl    vs lua5.4 b01_loop.lua, CPython b01_loop.py
#   B2  fib(27)          b02_fib.adl     vs lua5.4 b02_fib.lua,  CPython b02_fib.py
#   B3  chain + sum      b03_chain.adl   vs NumPy b03_chain_numpy.py, and bench/py/b03_axpy_numpy.py
#                        for sum(x * y + 1.0), the workload issue 2 names
#   B4  1000x1000 @      b04_matmul.adl  vs NumPy b04_matmul_numpy.py
#   E1  elementwise      e01_elementwise.adl vs bench/py/e01_elementwise_numpy.py: exp log sin
#                        cos tanh sqrt of 10_000_000 floats
#   R1  reductions       r01_reductions.adl  vs bench/py/r01_reductions_numpy.py: sum mean max
#                        min prod of a 1000x1000 matrix along axis=0, axis=1 and over all
#   L1  linalg 500x500   l1_linalg.adl   vs NumPy bench/py/l1_linalg_numpy.py: solve with a
#                        vector and with a 500x500 right-hand side, inv (LAPACK underneath)
#   B5-B12 gradients   b05_rosen b06_logreg b07_mlp b08_smallcall b10_loopgrad b12_hessian (.adl) vs
#                        autograd and jax.jit (when installed) scripts of the same names
#   B9  L-BFGS-B         b09_lbfgsb.adl  vs SciPy's minimize with a hand-written NumPy gradient
#                        (b09_lbfgsb_scipy.py), autograd and jax.jit gradients: Rosenbrock from
#                        zeros, n = 100 (timed solves) and n = 10_000 (one solve each, ~10-40 s)
#   B11 startup          adl -c "1 + 1"  vs python3 -c, lua5.4 -e (hyperfine, else a timed loop)
# Every script times its own steady-state work and prints one JSON line last; those lines
# go to bench/out/results.jsonl and bench/report.py prints the table with the goals.
#
# Environment:
#   ADL      the adl binary            (default: .build/release/adl, built when missing)
#   SHARED   the shared/ folder        (default: the one beside the repository)
#   VENV     Python env for the peers  (default: .venv; numpy and threadpoolctl added when missing)
#   ONLY     workloads to run, e.g. ONLY="B1 B4 L1"   (default: all)
#   B11_RUNS startup runs per command  (default: 20)
#   JAX_VENV a Python env with jax (and scipy, threadpoolctl) for the jax peers of B5-B12
#            when .venv has no jax (default: none)
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for every timed command, ADL and peers.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
REF=$SHARED/bench/ref
ADL=${ADL:-$ROOT/.build/release/adl}
VENV=${VENV:-$ROOT/.venv}
PY=$VENV/bin/python
OUT=$ROOT/bench/out
RUNS=${B11_RUNS:-20}
NOBLAS=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PYTHONDONTWRITEBYTECODE=1)

say() { echo "bench: $*" >&2; }
selected() { [ -z "${ONLY:-}" ] || [[ " $ONLY " == *" $1 "* ]]; }

# --- setup (idempotent) -----------------------------------------------------------------
if [ ! -d "$REF" ]; then
  say "no reference scripts at $REF (set SHARED=/path/to/shared)"
  exit 1
fi
case $ADL in /*) ;; *) ADL=$PWD/$ADL ;; esac
if [ ! -x "$ADL" ]; then
  say "no adl binary at $ADL; building the release binary"
  (cd "$ROOT" && swift build -c release --static-swift-stdlib) || { say "build failed"; exit 1; }
  ADL=$ROOT/.build/release/adl
fi

missing=()
command -v lua5.4 >/dev/null || missing+=(lua5.4)
command -v hyperfine >/dev/null || missing+=(hyperfine)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    say "missing ${missing[*]} (sudo apt-get install ${missing[*]}); their rows will be empty"
  fi
fi
if ! "$PY" -c "import numpy, threadpoolctl" 2>/dev/null; then
  say "preparing $VENV (numpy, threadpoolctl)"
  [ -x "$PY" ] || python3 -m venv "$VENV" || { say "could not create $VENV"; exit 1; }
  "$PY" -m pip install -q --disable-pip-version-check numpy threadpoolctl || { say "pip install failed"; exit 1; }
fi

mkdir -p "$OUT"
: > "$OUT/results.jsonl"
cut -d' ' -f1-3 /proc/loadavg > "$OUT/loadavg_start"

# run NAME CMD...: stdout to out/NAME.out, stderr to out/NAME.err, last line to results.jsonl
run() {
  local name=$1; shift
  say "$name"
  if "${NOBLAS[@]}" "$@" > "$OUT/$name.out" 2> "$OUT/$name.err"; then
    local last; last=$(tail -n 1 "$OUT/$name.out")
    if [[ $last == "{"* ]]; then
      echo "$last" >> "$OUT/results.jsonl"
    else
      say "  $name printed no JSON line (see $OUT/$name.out)"
    fi
  else
    say "  FAILED: $name (see $OUT/$name.err)"
  fi
}

# --- B1, B2: interpreters ---------------------------------------------------------------
if selected B1; then
  run b01_adl     "$ADL" "$ROOT/bench/adl/b01_loop.adl"
  run b01_lua54   lua5.4 "$REF/b01_loop.lua"
  run b01_cpython "$PY" "$REF/b01_loop.py"
fi
if selected B2; then
  run b02_adl     "$ADL" "$ROOT/bench/adl/b02_fib.adl"
  run b02_lua54   lua5.4 "$REF/b02_fib.lua"
  run b02_cpython "$PY" "$REF/b02_fib.py"
fi

# --- B3, B4: arrays -----------------------------------------------------------------------
if selected B3; then
  run b03_adl     "$ADL" "$ROOT/bench/adl/b03_chain.adl"
  run b03_numpy   "$PY" "$REF/b03_chain_numpy.py"
  run b03_axpy_numpy env PYTHONPATH="$REF" "$PY" "$ROOT/bench/py/b03_axpy_numpy.py"
fi
if selected B4; then
  run b04_adl     "$ADL" "$ROOT/bench/adl/b04_matmul.adl"
  run b04_numpy   "$PY" "$REF/b04_matmul_numpy.py"
fi

# --- E1, R1: elementwise functions and reductions -------------------------------------------
if selected E1; then
  run e01_adl     "$ADL" "$ROOT/bench/adl/e01_elementwise.adl"
  run e01_numpy   env PYTHONPATH="$REF" "$PY" "$ROOT/bench/py/e01_elementwise_numpy.py"
fi
if selected R1; then
  run r01_adl     "$ADL" "$ROOT/bench/adl/r01_reductions.adl"
  run r01_numpy   env PYTHONPATH="$REF" "$PY" "$ROOT/bench/py/r01_reductions_numpy.py"
fi
# --- L1: LAPACK -----------------------------------------------------------------------------
if selected L1; then
  run l1_adl      "$ADL" "$ROOT/bench/adl/l1_linalg.adl"
  run l1_numpy    env PYTHONPATH="$REF" "$PY" "$ROOT/bench/py/l1_linalg_numpy.py"
fi

# --- B5-B12: differentiation (issue 4) ------------------------------------------------------
# The peers are autograd (in the venv of the differential tests) and jax when it is installed.
# JAXPY: the Python with jax: .venv's when it has jax, else JAX_VENV's (which also needs scipy
# and threadpoolctl for B9), else none and the jax rows stay empty.
JAXPY=
if "$PY" -c "import jax" >/dev/null 2>&1; then
  JAXPY=$PY
elif [ -n "${JAX_VENV:-}" ] && "$JAX_VENV/bin/python" -c "import jax, scipy, threadpoolctl" >/dev/null 2>&1; then
  JAXPY=$JAX_VENV/bin/python
fi
has_jax() { [ -n "$JAXPY" ]; }
for w in B5:b05:rosen B6:b06:logreg B7:b07:mlp B8:b08:smallcall B10:b10:loopgrad B12:b12:hessian; do
  IFS=: read -r name num stem <<< "$w"
  selected "$name" || continue
  run "${num}_adl" "$ADL" "$ROOT/bench/adl/${num}_${stem}.adl"
  [ -f "$REF/${num}_${stem}_autograd.py" ] && "$PY" -c "import autograd" >/dev/null 2>&1 \
    && run "${num}_autograd" env PYTHONPATH="$REF" "$PY" "$REF/${num}_${stem}_autograd.py"
  [ -f "$REF/${num}_${stem}_jax.py" ] && has_jax \
    && run "${num}_jax" env PYTHONPATH="$REF" "$JAXPY" "$REF/${num}_${stem}_jax.py"
done

# --- B9: L-BFGS-B (issue 6) -----------------------------------------------------------------
# SciPy with a hand-written NumPy gradient, with autograd's, and with jax.jit's (from JAX_VENV
# when .venv has no jax; that env also needs scipy and threadpoolctl).
if selected B9; then
  run b09_adl      "$ADL" "$ROOT/bench/adl/b09_lbfgsb.adl"
  run b09_scipy    env PYTHONPATH="$REF" "$PY" "$REF/b09_lbfgsb_scipy.py"
  "$PY" -c "import autograd" >/dev/null 2>&1 \
    && run b09_autograd env PYTHONPATH="$REF" "$PY" "$REF/b09_lbfgsb_autograd.py"
  if has_jax; then
    run b09_jax    env PYTHONPATH="$REF" "$JAXPY" "$REF/b09_lbfgsb_jax.py"
  else
    say "  no jax (set JAX_VENV to an env with jax, scipy, threadpoolctl): the B9 jax rows stay empty"
  fi
fi

# --- B11: startup -------------------------------------------------------------------------
# startup SYSTEM NAME CMD...: one B11 JSON line for CMD, via hyperfine when it is there.
startup() {
  local system=$1 name=$2; shift 2
  local m
  if command -v hyperfine >/dev/null; then
    local json=$OUT/b11_$system.json
    # hyperfine -N splits its command string like a shell: quote every word.
    if ! "${NOBLAS[@]}" hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$json" \
        "$(printf '%q ' "$@")" > "$OUT/b11_$system.txt" 2>&1; then
      say "  FAILED: $name (see $OUT/b11_$system.txt)"
      return
    fi
    m=$("$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(json.dumps({"name": sys.argv[2], "min": r["min"] * 1e3, "median": r["median"] * 1e3,
                  "unit": "ms", "reps": len(r["times"]), "note": "hyperfine -N"}))' "$json" "$name")
  else
    m=$(startup_loop "$name" "$@") || return
  fi
  printf '{"workload": "B11", "system": "%s", "measurements": [%s]}\n' "$system" "$m" >> "$OUT/results.jsonl"
}

# startup_loop NAME CMD...: the JSON measurement of RUNS runs timed with date +%s%N.
startup_loop() {
  local name=$1; shift
  local times=() i t0 t1
  if ! "${NOBLAS[@]}" "$@" >/dev/null 2>&1; then  # warm-up, and a check that it works
    say "  FAILED: $name"
    return 1
  fi
  for ((i = 0; i < RUNS; i++)); do
    t0=$(date +%s%N)
    "${NOBLAS[@]}" "$@" >/dev/null 2>&1
    t1=$(date +%s%N)
    times+=($((t1 - t0)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v name="$name" '
    { t[NR] = $1 }
    END {
      med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
      printf "{\"name\": \"%s\", \"min\": %.4f, \"median\": %.4f, \"unit\": \"ms\", \"reps\": %d, \"note\": \"date +%%s%%N, includes env and fork\"}\n", name, t[1] / 1e6, med / 1e6, NR
    }'
}

if selected B11; then
  say "b11_startup"
  startup adl     "adl -c '1 + 1'"                "$ADL" -c "1 + 1"
  startup cpython "venv-python3 -c 'print(1+1)'"  "$PY" -c "print(1+1)"
  command -v lua5.4 >/dev/null && startup lua5.4 "lua5.4 -e 'print(1+1)'" lua5.4 -e "print(1+1)"
fi

cut -d' ' -f1-3 /proc/loadavg > "$OUT/loadavg_end"
"$PY" "$ROOT/bench/report.py" "$OUT"
