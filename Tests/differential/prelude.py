#!/usr/bin/env python3
"""Runs an ADL program under CPython + NumPy: the reference side of the differential tests.

    python prelude.py PROGRAM.adl [ARGS...]

ADL's syntax is a subset of Python's and its library carries NumPy's names, so most
ADL programs are Python programs once the names are in scope. This file supplies the
names (SPEC section 7) and rewrites the few places where ADL's semantics differ from
plain Python + NumPy, by transforming the program's AST before it runs:

- a list display `[...]` of numbers, bools or same-shape arrays is an array
  (`_display`); any other list display stays a list;
- there are no integer arrays, and a number is a 0-d array for array operations: every
  builtin's (and every array method's) integer-array result is cast to float64, and so
  is an integer scalar result (`sign(-2)` is `-1.0`, `sum(5)` is `5.0`), except where
  ADL gives an int: `argmax`/`argmin`, a full `sum` of bools, `abs` of an int; an
  integer-array result of an operator (`mask * 2`) is cast to float64 too;
- `round` always gives float64 (NumPy's gives float16 for bools);
- `**` whose Python result would be complex (`(-8) ** (1/3)`) is nan, as NumPy's float64;
- `~` on a bool (scalar) is logical `not`, as on bool arrays; on ints it stays bitwise;
- arrays have value semantics: assignment (each target of `a = b = v`), parameter
  binding and `for` copy arrays (`_val`; `for` iterates over a copy taken when the loop
  starts), and `x += v` on a name rebinds instead of mutating in place;
- `/` by zero gives inf/nan as in NumPy; `//` and `%` by zero too, unless both
  operands are ints (then Python's ZeroDivisionError stands, as ADL's error does);
- an integral float or a float array is a valid index or slice bound (`x[1.0]`,
  `x[[0, 2]]`, `x[:2.0]`), and an integral float a valid size, count or axis
  (`zeros(3.0)`, `range(6 / 2)`, `x.reshape(2.0, -1)`, `sum(x, axis=0.0)`);
- `max(a, b, ...)`/`min(a, b, ...)` with two or more positional arguments compare
  elementwise (Python's builtins on plain numbers); with one argument they reduce;
- `print`/`str`/f-strings show NumPy scalars as Python numbers, the program's functions
  as `<function f>` and the library's as `<built-in function NAME>`;
- `import numpy as np`, `from numpy import *` bind this same namespace, so `np.NAME`
  means `NAME`;
- `{...}` and `dict(...)` build records (dicts whose keys also read as attributes) of
  copied values.

Differentiation: a program with the line `# reference: autograd` runs with autograd.numpy
in place of NumPy, and ADL's grad value_and_grad elementwise_grad jacobian hessian jvp vjp
stop_gradient as autograd's (JAX's calling conventions for argnums, jvp and vjp).

Optimisation: a program with the line `# reference: scipy` runs with autograd (as above) and
ADL's fmin_l_bfgs_b and minimize as SciPy's, given autograd's gradient where ADL computes one
automatically (`jac=True` with value_and_grad; for Newton-CG, exact Hessian-vector products as
`hessp`), x0 of any shape flattened and the results reshaped back, and minimize's record in
ADL's field order.

Known gaps (avoid them in differential programs, or mark the program `# xfail:`):
int overflow (Python ints are unbounded), truth tests of arrays and chained comparisons
of arrays (NumPy raises), and anything outside SPEC.
"""
import ast
import builtins
import functools
import sys
import time as _time
import types
import warnings

import numpy as np

# --------------------------------------------------------------------------------------
# Value conversions
# --------------------------------------------------------------------------------------


def _floatify(x):
    """ADL has no integer arrays and no 0-d arrays: cast int arrays to float64, unwrap 0-d."""
    if isinstance(x, np.ndarray):
        if x.dtype.kind in "iu":
            x = x.astype(np.float64)
        return x[()] if x.ndim == 0 else x
    if isinstance(x, tuple):  # also turns NamedTuple results (slogdet) into plain tuples
        return tuple(_floatify(v) for v in x)
    return x


def _is_bool(x):
    return isinstance(x, (bool, np.bool_)) or (isinstance(x, np.ndarray) and x.dtype.kind == "b")


def _result(name, args, r):
    """The result `r` of builtin or method `name` on `args` as ADL gives it (see the module doc)."""
    r = _floatify(r)
    if isinstance(r, np.integer):
        keeps_int = (
            name in ("argmax", "argmin")
            or (name == "sum" and args and _is_bool(args[0]))
            or (name in ("abs", "absolute") and args and isinstance(args[0], int) and not _is_bool(args[0]))
        )
        if not keeps_int:
            r = float(r)
    return r


_SIZE_KEYWORDS = ("axis", "k", "decimals", "num", "shape", "newshape")


def _sizes(name, args, kwargs):
    """`args`/`kwargs` of `name` with integral floats made ints where they are sizes or axes."""
    if name == "reshape":  # reshape(a, shape) and a.reshape(*shape): every later argument
        args = (args[0], *(_shape_arg(a) for a in args[1:]))
    if name in _INT_POSITIONALS:  # see the linear algebra section
        n = _INT_POSITIONALS[name]
        args = (*args[:1], *(_index_part(a) for a in args[1:1 + n]), *args[1 + n:])
    kwargs = {k: _shape_arg(v) if k in _SIZE_KEYWORDS else v for k, v in kwargs.items()}
    if name in _INT_ARGUMENTS:
        args, kwargs = _int_arguments(name, args, kwargs)
    return args, kwargs


def _wrap(fn):
    """`fn` with integral-float sizes accepted (`_sizes`) and its results through `_result`."""
    name = getattr(fn, "__name__", "")

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        args, kwargs = _sizes(name, args, kwargs)
        return _result(name, args, fn(*args, **kwargs))

    return wrapped


def _meth(obj, name):
    """`obj.name` for a call: an array method's results pass through `_result` like builtins'."""
    attr = getattr(obj, name)
    if not isinstance(obj, (np.ndarray, np.generic)) or not callable(attr):
        return attr

    def method(*args, **kwargs):
        (_, *args), kwargs = _sizes(name, (obj, *args), kwargs)
        return _result(name, (obj, *args), attr(*args, **kwargs))

    return method


def _val(x):
    """A copy of `x` where it holds arrays: ADL arrays are values, never shared."""
    if isinstance(x, np.ndarray):
        return x.copy()
    if isinstance(x, tuple):
        return tuple(_val(v) for v in x)
    if isinstance(x, list):
        return [_val(v) for v in x]
    return x


def _iter(x):
    """`for` over `x`: over a copy taken when the loop starts, rows copied, as ADL gives values."""
    if isinstance(x, np.ndarray):
        return (row.copy() if x.ndim >= 2 else row for row in x.copy())
    return _val(x)


_ELEMENT_TYPES = (bool, int, float, np.bool_, np.number, np.ndarray)


def _display(items):
    """A list display: an array when its elements are numbers, bools or arrays of one shape."""
    if any(type(v).__name__.endswith("Box") for v in items):  # autograd's traced values
        return np.array(items)
    if not all(isinstance(v, _ELEMENT_TYPES) for v in items):
        return items
    try:
        a = np.array(items)
    except ValueError:  # ragged
        return items
    if a.dtype.kind == "b":
        return a
    if a.dtype.kind in "iuf":
        return a.astype(np.float64)
    return items


def _index_part(i):
    if isinstance(i, (float, np.floating)) and float(i).is_integer():
        return int(i)
    if isinstance(i, np.ndarray) and i.dtype.kind == "f":
        return i.astype(np.int64)
    if isinstance(i, list) and all(isinstance(v, (int, float, np.number)) for v in i):
        return np.array(i).astype(np.int64)
    return i


def _index(i):
    """An ADL index: integral floats and float arrays index like ints."""
    if isinstance(i, tuple):
        return tuple(_index_part(v) for v in i)
    return _index_part(i)


def _plain(x):
    """NumPy scalars and 0-d arrays as Python numbers, recursively inside containers."""
    if isinstance(x, np.ndarray) and x.ndim == 0:
        x = x[()]
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        return float(x)
    if isinstance(x, tuple):
        return tuple(_plain(v) for v in x)
    if isinstance(x, list):
        return [_plain(v) for v in x]
    if isinstance(x, Record):
        return Record((k, _plain(v)) for k, v in x.items())
    return x


_BUILTIN_NAMES = {}  # id of a library function -> its ADL name; filled by `_library`


def _repr(x):
    """ADL's repr: Python's, with `<function f>` for the program's functions and
    `<built-in function NAME>` for the library's."""
    x = _plain(x)
    if callable(x) and id(x) in _BUILTIN_NAMES:
        return f"<built-in function {_BUILTIN_NAMES[id(x)]}>"
    if isinstance(x, (types.FunctionType, types.BuiltinFunctionType, np.ufunc)) or (
        callable(x) and hasattr(x, "__wrapped__")
    ):
        return f"<function {getattr(x, '__name__', '?')}>"
    if isinstance(x, tuple):
        inner = ", ".join(_repr(v) for v in x)
        return f"({inner},)" if len(x) == 1 else f"({inner})"
    if isinstance(x, list):
        return "[" + ", ".join(_repr(v) for v in x) + "]"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{_repr(k)}: {_repr(v)}" for k, v in x.items()) + "}"
    return repr(x)


def _str(x=""):
    """ADL's str: strings as they are, everything else as `_repr` except numbers and arrays."""
    x = _plain(x)
    if isinstance(x, (str, np.ndarray, bool, int, float)) or x is None:
        return builtins.str(x)
    return _repr(x)


def _print(*args, sep=" ", end="\n"):
    builtins.print(*(_str(a) for a in args), sep=sep, end=end)


def _fmt(x):
    """An f-string field: Python numbers so that format specs behave; containers as ADL shows them."""
    x = _plain(x)
    if isinstance(x, (tuple, list, dict)) or callable(x):
        return _repr(x)
    return x


class Record(dict):
    """An ADL record: a dict whose keys also read as attributes (`r.maxiter`); it holds
    copies of the arrays it is built from (value semantics)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for k, v in self.items():
            self[k] = _val(v)

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


# --------------------------------------------------------------------------------------
# Arithmetic where ADL follows NumPy rather than Python
# --------------------------------------------------------------------------------------


def _is_int(x):
    return isinstance(x, (bool, int, np.integer, np.bool_))


def _truediv(a, b):
    try:
        return a / b
    except ZeroDivisionError:
        return float(np.true_divide(float(a), float(b)))


def _floordiv(a, b):
    try:
        return _int_array_to_float(a // b)
    except ZeroDivisionError:
        if _is_int(a) and _is_int(b):
            raise
        return float(np.floor_divide(float(a), float(b)))


def _mod(a, b):
    try:
        return _int_array_to_float(a % b)
    except ZeroDivisionError:
        if _is_int(a) and _is_int(b):
            raise
        return float(np.mod(float(a), float(b)))


def _int_array_to_float(r):
    return r.astype(np.float64) if isinstance(r, np.ndarray) and r.dtype.kind in "iu" else r


def _add(a, b):
    return _int_array_to_float(a + b)


def _sub(a, b):
    return _int_array_to_float(a - b)


def _mul(a, b):
    return _int_array_to_float(a * b)


def _matmul(a, b):
    return _floatify(a @ b)


def _pow(a, b):
    try:
        r = _int_array_to_float(a**b)
    except (ZeroDivisionError, OverflowError):
        return float(np.power(float(a), float(b)))
    return float("nan") if isinstance(r, complex) else r


def _invert(x):
    """`~x`: logical on a bool, bitwise on an int or elementwise on an array."""
    if isinstance(x, (bool, np.bool_)):
        return not x
    return ~x


_BINOPS = {ast.Div: "_truediv", ast.FloorDiv: "_floordiv", ast.Mod: "_mod", ast.Pow: "_pow",
           ast.Add: "_add", ast.Sub: "_sub", ast.Mult: "_mul", ast.MatMult: "_matmul"}

# --------------------------------------------------------------------------------------
# The library: NumPy's names, adjusted to SPEC section 7
# --------------------------------------------------------------------------------------


def _shape_arg(shape):
    if isinstance(shape, (tuple, list)):
        return tuple(_index_part(s) for s in shape)
    return _index_part(shape)


def array(x, dtype=None):
    a = np.array(x, dtype=dtype)
    if a.dtype.kind in "iu":
        a = a.astype(np.float64)
    return _floatify(a)


def zeros(shape):
    return np.zeros(_shape_arg(shape))


def ones(shape):
    return np.ones(_shape_arg(shape))


def full(shape, fill_value):
    return np.full(_shape_arg(shape), fill_value, dtype=np.float64)


def eye(N, M=None, k=0):  # noqa: N803 - NumPy's parameter names
    return np.eye(_index_part(N), None if M is None else _index_part(M), _index_part(k))


def identity(n):
    return np.identity(_index_part(n))


def arange(*args):
    return np.arange(*args, dtype=np.float64)


def linspace(start, stop, num=50, endpoint=True):
    return np.linspace(start, stop, _index_part(num), endpoint=endpoint, dtype=np.float64)


def round(x, decimals=0):  # noqa: A001 - ADL's round follows NumPy: always a float64
    if _is_bool(x):  # NumPy would give float16
        x = np.asarray(x, dtype=np.float64)
    r = _floatify(np.round(x, _index_part(decimals)))
    return float(r) if _is_int(r) else r


def range(*args):  # noqa: A001 - integral floats are valid sizes
    return builtins.range(*(_index_part(a) for a in args))


def max(*args, **kwargs):  # noqa: A001
    if len(args) >= 2:
        if not kwargs and all(isinstance(a, (int, float)) for a in args):
            return builtins.max(*args)
        return _floatify(functools.reduce(np.maximum, args))
    return _result("max", args, np.max(*args, **kwargs))


def min(*args, **kwargs):  # noqa: A001
    if len(args) >= 2:
        if not kwargs and all(isinstance(a, (int, float)) for a in args):
            return builtins.min(*args)
        return _floatify(functools.reduce(np.minimum, args))
    return _result("min", args, np.min(*args, **kwargs))


def flatten(x):
    return np.asarray(x).flatten()


# --------------------------------------------------------------------------------------
# Statistics and shape functions (std var cumsum cumprod logsumexp softmax log_softmax
# sigmoid, expand_dims squeeze concatenate stack ... tile repeat pad flip)
# --------------------------------------------------------------------------------------

# Arguments that NumPy wants as ints but an ADL program writes as list displays, which
# are float arrays (`repeat(a, [1, 2])`, `pad(a, [[1, 2], [0, 1]])`, `tile(a, [2, 3])`):
# the position of the argument of each function (and method), and its keyword.
_INT_ARGUMENTS = {"repeat": (1, "repeats"), "tile": (1, "reps"), "pad": (1, "pad_width"),
                  "broadcast_to": (1, "shape"), "expand_dims": (1, "axis")}


def _int_array(x):
    """`x` with integral floats (also inside arrays, lists and tuples) made ints."""
    if isinstance(x, np.ndarray) and x.dtype.kind == "f" and np.all(np.isfinite(x)) and np.all(x == np.round(x)):
        return x.astype(np.int64)
    if isinstance(x, (list, tuple)):
        return type(x)(_int_array(v) for v in x)
    return _index_part(x)


def _int_arguments(name, args, kwargs):
    """`args`/`kwargs` of `name` with its int argument (`_INT_ARGUMENTS`) made ints."""
    position, keyword = _INT_ARGUMENTS[name]
    if len(args) > position:
        args = (*args[:position], _int_array(args[position]), *args[position + 1:])
    if keyword in kwargs:
        kwargs = {**kwargs, keyword: _int_array(kwargs[keyword])}
    return args, kwargs


def logsumexp(a, axis=None, keepdims=False):
    import scipy.special  # noqa: PLC0415 - only programs that use it pay for the import
    return _floatify(scipy.special.logsumexp(a, axis=axis, keepdims=keepdims))


def softmax(x, axis=-1):  # jax.nn.softmax
    x = np.asarray(x, dtype=np.float64)
    z = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return _floatify(z / np.sum(z, axis=axis, keepdims=True))


def log_softmax(x, axis=-1):  # jax.nn.log_softmax
    x = np.asarray(x, dtype=np.float64)
    s = x - np.max(x, axis=axis, keepdims=True)
    return _floatify(s - np.log(np.sum(np.exp(s), axis=axis, keepdims=True)))


def sigmoid(x):  # scipy.special.expit, jax.nn.sigmoid
    import scipy.special  # noqa: PLC0415
    return _floatify(scipy.special.expit(np.asarray(x, dtype=np.float64)))


# --------------------------------------------------------------------------------------
# Random numbers and file I/O (np.random's legacy functions, load/save/loadtxt/savetxt)
# --------------------------------------------------------------------------------------
# ADL has no integer arrays: a list display of ints (`[2, 3]`, `[0, 2]`) is a float array,
# which NumPy refuses as a size, a seed or `usecols`. These wrappers turn such arrays (and
# integral floats) back into ints; everything else goes to NumPy unchanged.


def _ints(x):
    """`x` with float arrays and integral floats as ints (a size, seed or column list)."""
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        return tuple(int(v) for v in x.ravel()) if x.ndim == 1 else x.astype(np.int64)
    if isinstance(x, (tuple, list)):
        return type(x)(_index_part(v) for v in x)
    return _index_part(x)


def _seed(seed=None):
    """A 1-d array seeds as the list it was written as (`seed([1, 2])`: init_by_array)."""
    if isinstance(seed, np.ndarray) and seed.ndim == 1:
        seed = [int(v) for v in seed]
    np.random.seed(_ints(seed) if isinstance(seed, (list, tuple, np.ndarray)) else seed)


def _sized(fn):
    """A np.random function whose `size` (keyword or last positional) may be an ADL size."""
    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        if "size" in kwargs:
            kwargs["size"] = None if kwargs["size"] is None else _ints(kwargs["size"])
        return _floatify(fn(*args, **kwargs))
    return wrapped


def _random_positional_size(fn, nparams):
    """`fn(p1, ..., size)`: a positional size (after `nparams` parameters) made ints too."""
    sized = _sized(fn)

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        if len(args) > nparams:
            args = (*args[:nparams], None if args[nparams] is None else _ints(args[nparams]), *args[nparams + 1:])
        return sized(*args, **kwargs)
    return wrapped


_RANDOM = types.SimpleNamespace(
    seed=_seed,
    rand=lambda *dims: _floatify(np.random.rand(*(_index_part(d) for d in dims))),
    randn=lambda *dims: _floatify(np.random.randn(*(_index_part(d) for d in dims))),
    random_sample=_random_positional_size(np.random.random_sample, 0),
    random=_random_positional_size(np.random.random, 0),
    standard_normal=_random_positional_size(np.random.standard_normal, 0),
    uniform=_random_positional_size(np.random.uniform, 2),
    normal=_random_positional_size(np.random.normal, 2),
)


def loadtxt(fname, *args, usecols=None, **kwargs):
    return _floatify(np.loadtxt(fname, *args, usecols=None if usecols is None else _ints(usecols), **kwargs))


# --------------------------------------------------------------------------------------
# Linear algebra: integral floats as offsets, axes and k; linalg.* results as ADL's
# --------------------------------------------------------------------------------------

# Positional parameters (after the array) that ADL takes as integers, integral floats
# included: `trace(m, 1.0)`, `x.diagonal(0, 1.0, 2)`, `diag(v, -1.0)`, `tril(m, k)` with k
# from a float loop. `_sizes` consults this table for builtins and methods alike.
_INT_POSITIONALS = {"trace": 3, "diagonal": 3, "diag": 1, "tril": 1, "triu": 1}
_SIZE_KEYWORDS += ("offset", "axis1", "axis2")


def _linalg_namespace():
    """`linalg.NAME`: NumPy's functions with integral-float axes accepted and their results
    as ADL gives them (slogdet's named tuple a plain tuple, 0-d results numbers)."""
    names = ("inv", "solve", "det", "slogdet", "cholesky", "norm")
    return types.SimpleNamespace(**{n: _wrap(getattr(np.linalg, n)) for n in names})


def help(name=None):  # noqa: A001 - a stand-in: ADL's help text is not compared
    return None


def _autodiff():
    """ADL's differentiation builtins as autograd's, with JAX's calling conventions."""
    import autograd
    from autograd.tracer import getval

    def _argnums(make, f, argnums):
        if isinstance(argnums, (tuple, list)):
            parts = [make(f, k) for k in argnums]
            return lambda *a, **kw: tuple(p(*a, **kw) for p in parts)
        return make(f, argnums)

    def grad(f, argnums=0):
        return _argnums(autograd.grad, f, argnums)

    def elementwise_grad(f, argnums=0):
        return _argnums(autograd.elementwise_grad, f, argnums)

    def jacobian(f, argnums=0):
        return _argnums(autograd.jacobian, f, argnums)

    def hessian(f, argnums=0):
        return autograd.hessian(f, argnums)

    def value_and_grad(f, argnums=0):
        if isinstance(argnums, (tuple, list)):
            return lambda *a: (f(*a), grad(f, argnums)(*a))
        return autograd.value_and_grad(f, argnums)

    def vjp(f, *primals):
        pullback, value = autograd.make_vjp(lambda xs: f(*xs))(tuple(primals))
        return value, lambda ct: tuple(pullback(ct))

    def jvp(f, primals, tangents):
        return autograd.make_jvp(lambda xs: f(*xs))(tuple(primals))(tuple(tangents))

    import autograd.numpy as anp
    import autograd.scipy.special as asp

    def softmax(x, axis=-1):
        z = anp.exp(x - anp.max(x, axis=axis, keepdims=True))
        return z / anp.sum(z, axis=axis, keepdims=True)

    def log_softmax(x, axis=-1):
        s = x - anp.max(x, axis=axis, keepdims=True)
        return s - anp.log(anp.sum(anp.exp(s), axis=axis, keepdims=True))

    return dict(logsumexp=asp.logsumexp, sigmoid=asp.expit, softmax=softmax, log_softmax=log_softmax,
                grad=grad, elementwise_grad=elementwise_grad, jacobian=jacobian, hessian=hessian,
                value_and_grad=value_and_grad, vjp=vjp, jvp=jvp, stop_gradient=getval)


def _optimize():
    """ADL's fmin_l_bfgs_b and minimize as SciPy's, with autograd's gradients (see the module doc)."""
    import autograd
    import autograd.numpy as anp
    import scipy.optimize as so

    def shaped(x, shape):
        x = np.array(x, dtype=float).reshape(shape)
        return x[()] if x.ndim == 0 else x

    def extra(args):
        if args is None:
            return ()
        return tuple(args) if isinstance(args, (tuple, list)) else (args,)

    def flat(fun, shape):
        return lambda x, *a: fun(anp.reshape(x, shape), *a)

    def value_and_grad(fun, shape):
        f = flat(fun, shape)
        g = autograd.grad(lambda x, *a: anp.sum(f(x, *a)))
        return lambda x, *a: (float(np.sum(f(x, *a))), np.asarray(g(x, *a), dtype=float).ravel())

    def flat_gradient(jac, shape):
        return lambda x, *a: np.asarray(jac(shaped(x, shape), *a), dtype=float).ravel()

    def bounds_list(bounds, n):
        if bounds is None:
            return None
        items = list(bounds)
        if len(items) == 2 and all(b is None or np.ndim(b) == 0 for b in items):
            return [tuple(items)] * n
        return [tuple(b) for b in items]

    def minimize(fun, x0, args=(), method="L-BFGS-B", jac=None, hess=None, hessp=None, bounds=None,
                 tol=None, options=None):
        x0 = np.array(x0, dtype=float)
        shape, args = x0.shape, extra(args)
        kw = dict(args=args, method=method, tol=tol, options=dict(options) if options else None)
        if jac is None:
            kw["jac"] = True
            objective = value_and_grad(fun, shape)
        else:
            objective = lambda x, *a: fun(shaped(x, shape), *a)
            kw["jac"] = jac if isinstance(jac, (bool, str)) else flat_gradient(jac, shape)
        if method.upper() == "NEWTON-CG":
            if hessp is not None:
                kw["hessp"] = lambda x, p, *a: np.asarray(hessp(shaped(x, shape), shaped(p, shape), *a)).ravel()
            elif hess is not None:
                kw["hess"] = lambda x, *a: np.asarray(hess(shaped(x, shape), *a)).reshape(x0.size, x0.size)
            else:
                source = flat(fun, shape) if jac is None else (lambda x, *a: jac(anp.reshape(x, shape), *a))
                g = autograd.grad(lambda x, *a: anp.sum(source(x, *a))) if jac is None else source
                hvp = autograd.grad(lambda x, p, *a: anp.sum(anp.ravel(g(x, *a)) * p))
                kw["hessp"] = lambda x, p, *a: np.asarray(hvp(x, p, *a), dtype=float).ravel()
        if bounds is not None:
            kw["bounds"] = bounds_list(bounds, x0.size)
        r = so.minimize(objective, x0.ravel(), **kw)
        out = Record(fun=float(r.fun), x=shaped(r.x, shape), jac=shaped(r.jac, shape))
        if method.upper() == "BFGS":
            out["hess_inv"] = np.asarray(r.hess_inv)
        out.update(nit=int(r.nit), nfev=int(r.nfev), njev=int(r.njev))
        if "nhev" in r:
            out["nhev"] = int(r.nhev)
        out.update(status=int(r.status), success=bool(r.success), message=str(r.message))
        return out

    def fmin_l_bfgs_b(func, x0, fprime=None, args=(), approx_grad=0, bounds=None, m=10, factr=1e7,
                      pgtol=1e-5, epsilon=1e-8, iprint=None, maxfun=15000, maxiter=15000, disp=None, maxls=20):
        x0 = np.array(x0, dtype=float)
        shape, args = x0.shape, extra(args)
        kw = dict(args=args, bounds=bounds_list(bounds, x0.size), m=m, factr=factr, pgtol=pgtol,
                  epsilon=epsilon, maxfun=maxfun, maxiter=maxiter)
        objective = lambda x, *a: func(shaped(x, shape), *a)
        if fprime is not None:
            kw["fprime"] = flat_gradient(fprime, shape)
        elif approx_grad:
            kw["approx_grad"] = True
        elif not isinstance(func(shaped(x0, shape), *args), tuple):
            objective = value_and_grad(func, shape)
        x, f, d = so.fmin_l_bfgs_b(objective, x0.ravel(), **kw)
        info = Record(grad=shaped(d["grad"], shape), task=str(d["task"]), funcalls=int(d["funcalls"]),
                      nit=int(d["nit"]), warnflag=int(d["warnflag"]))
        return shaped(x, shape), float(f), info

    return dict(minimize=minimize, fmin_l_bfgs_b=fmin_l_bfgs_b)


def _library(program, argv, autodiff=False, optimize=False):
    """The global names an ADL program sees; autograd's NumPy when `autodiff`."""
    global np
    if autodiff:
        import autograd.numpy as anp
        np = anp
    env = {}
    for name in np.__all__ if hasattr(np, "__all__") else dir(np):
        if name.startswith("_") or name in {"bool", "divmod", "pow"}:
            continue
        obj = getattr(np, name, None)
        if obj is None or isinstance(obj, (type, types.ModuleType)):
            continue
        env[name] = _wrap(obj) if callable(obj) else obj
    env.update(
        array=array, zeros=zeros, ones=ones, full=full, eye=eye, identity=identity,
        arange=arange, linspace=linspace, round=round, max=max, min=min, flatten=flatten,
        logsumexp=logsumexp, softmax=softmax, log_softmax=log_softmax, sigmoid=sigmoid,
        norm=_wrap(np.linalg.norm), random=_RANDOM, linalg=_linalg_namespace(), loadtxt=loadtxt,
        pi=np.pi, e=np.e, inf=np.inf, nan=np.nan,
        print=_print, str=_str, repr=_repr, dict=Record, help=help,
        range=range, len=builtins.len, float=builtins.float, int=builtins.int,
        time=_time.perf_counter, argv=[program, *argv],
    )
    if autodiff:
        env.update(_autodiff())
    if optimize:
        env.update(_optimize())
    _BUILTIN_NAMES.update((id(v), k) for k, v in env.items() if callable(v) and not isinstance(v, type))
    namespace = types.SimpleNamespace(**env)
    env.update(np=namespace, numpy=namespace)
    env.update(
        _display=_display, _val=_val, _iter=_iter, _index=_index, _fmt=_fmt, _record=Record,
        _truediv=_truediv, _floordiv=_floordiv, _mod=_mod, _pow=_pow, _add=_add, _sub=_sub,
        _mul=_mul, _matmul=_matmul, _invert=_invert, _meth=_meth,
        _numpy=namespace,
        __name__="__main__", __builtins__=builtins,
    )
    return env


# --------------------------------------------------------------------------------------
# The AST transform
# --------------------------------------------------------------------------------------


def _call(name, *args):
    return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=list(args), keywords=[])


class _ToADL(ast.NodeTransformer):
    """Rewrites a Python AST so that it runs with ADL's semantics (see the module doc)."""

    def visit_List(self, node):
        self.generic_visit(node)
        return _call("_display", node) if isinstance(node.ctx, ast.Load) else node

    def visit_Dict(self, node):
        self.generic_visit(node)
        return _call("_record", node)

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        return _call("_invert", node.operand) if isinstance(node.op, ast.Invert) else node

    def visit_Call(self, node):
        self.generic_visit(node)
        f = node.func
        if isinstance(f, ast.Attribute) and not (isinstance(f.value, ast.Name) and f.value.id in ("np", "numpy")):
            node.func = _call("_meth", f.value, ast.Constant(f.attr))
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        helper = _BINOPS.get(type(node.op))
        return _call(helper, node.left, node.right) if helper else node

    def visit_Subscript(self, node):
        self.generic_visit(node)
        s = node.slice
        if isinstance(s, ast.Tuple):  # a slice may stand only directly inside the brackets
            s.elts = [self._slice(e) if isinstance(e, ast.Slice) else _call("_index", e) for e in s.elts]
        elif isinstance(s, ast.Slice):
            self._slice(s)
        else:
            node.slice = _call("_index", s)
        return node

    @staticmethod
    def _slice(s):
        """The bounds and step of slice `s` through `_index`, so integral floats work."""
        for part in ("lower", "upper", "step"):
            if getattr(s, part) is not None:
                setattr(s, part, _call("_index", getattr(s, part)))
        return s

    def visit_FormattedValue(self, node):
        self.generic_visit(node)
        if node.conversion == -1:
            node.value = _call("_fmt", node.value)
        return node

    def visit_Assign(self, node):
        self.generic_visit(node)
        if len(node.targets) == 1:
            node.value = _call("_val", node.value)
            return node
        # `a = b = v`: every target gets its own copy of the value
        tmp = ast.Name(id="_chained", ctx=ast.Store())
        stmts = [ast.copy_location(ast.Assign(targets=[tmp], value=node.value), node)]
        for t in node.targets:
            value = _call("_val", ast.Name(id="_chained", ctx=ast.Load()))
            stmts.append(ast.copy_location(ast.Assign(targets=[t], value=value), node))
        return stmts

    def visit_AugAssign(self, node):
        if isinstance(node.target, ast.Name):  # rebinding, never an in-place update
            value = ast.BinOp(left=ast.Name(id=node.target.id, ctx=ast.Load()), op=node.op, right=node.value)
            assign = ast.Assign(targets=[ast.Name(id=node.target.id, ctx=ast.Store())], value=value)
            return self.visit(ast.copy_location(assign, node))
        self.generic_visit(node)
        return node

    def visit_For(self, node):
        self.generic_visit(node)
        node.iter = _call("_iter", node.iter)
        return node

    def visit_FunctionDef(self, node):
        self.generic_visit(node)
        a = node.args
        names = [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]
        copies = [
            ast.Assign(targets=[ast.Name(id=n, ctx=ast.Store())], value=_call("_val", ast.Name(id=n, ctx=ast.Load())))
            for n in names
        ]
        node.body = copies + node.body
        return node

    def visit_Import(self, node):
        stmts = []
        for alias in node.names:
            if alias.name != "numpy":
                return node
            stmts.append(ast.Assign(targets=[ast.Name(id=alias.asname or "numpy", ctx=ast.Store())],
                                    value=ast.Name(id="_numpy", ctx=ast.Load())))
        return stmts

    def visit_ImportFrom(self, node):
        if node.module != "numpy":
            return node
        stmts = [ast.Pass()]
        for alias in node.names:
            if alias.name != "*":
                stmts.append(ast.Assign(
                    targets=[ast.Name(id=alias.asname or alias.name, ctx=ast.Store())],
                    value=ast.Attribute(value=ast.Name(id="_numpy", ctx=ast.Load()), attr=alias.name, ctx=ast.Load())))
        return stmts


def transform(source, filename):
    """The program's AST rewritten for ADL semantics."""
    tree = _ToADL().visit(ast.parse(source, filename))
    return ast.fix_missing_locations(tree)


def main(argv):
    if len(argv) < 2:
        builtins.print("usage: prelude.py PROGRAM.adl [ARGS...]", file=sys.stderr)
        return 2
    program = argv[1]
    with open(program, encoding="utf-8") as f:
        source = f.read()
    np.seterr(all="ignore")
    warnings.simplefilter("ignore")
    code = compile(transform(source, program), program, "exec")
    scipy = "# reference: scipy" in source
    env = _library(program, argv[2:], autodiff=scipy or "# reference: autograd" in source, optimize=scipy)
    try:
        exec(code, env)
    finally:
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
