// Documentation of the core builtins: printing, conversions, containers,
// comparisons with tolerance, timing and introspection (see Docs.swift for
// the format).

extension Docs {
    static let core: [BuiltinDoc] = [
        BuiltinDoc("print", "print(*values, sep=' ', end='\\n', flush=False)",
                   "Writes the values' str forms separated by `sep` and followed by `end` to standard output. Arrays print as NumPy's str (no `array(...)`), floats as Python's shortest repr.",
                   example: """
                   >>> print("x =", 1.5, arange(2), sep=" ")
                   x = 1.5 [0. 1.]
                   """),
        BuiltinDoc("len", "len(obj)",
                   "The length of a string, tuple, list or record, or the size of an array's first axis. A 0-d array or a number has no length: an error.",
                   example: """
                   >>> len(zeros((3, 2)))
                   3
                   """),
        BuiltinDoc("range", "range(stop) / range(start, stop, step=1)",
                   "The integers from `start` up to but not including `stop`, as Python's range. A `for` loop over a range runs on unboxed integers; `list(range(...))` makes a list. A step of 0 is an error.",
                   example: """
                   >>> list(range(2, 10, 3))
                   [2, 5, 8]
                   """),
        BuiltinDoc("str", "str(object='')",
                   "The string form of a value: what `print` shows. Arrays give NumPy's str, floats Python's repr.",
                   example: """
                   >>> str(arange(3))
                   '[0. 1. 2.]'
                   """),
        BuiltinDoc("repr", "repr(object)",
                   "The printable representation of a value: what the REPL echoes. Arrays give NumPy's repr (`array([...])`), strings are quoted.",
                   example: """
                   >>> repr(0.1)
                   '0.1'
                   """),
        BuiltinDoc("float", "float(x=0.0)",
                   "A float from a number, a one-element array, a bool, or a string such as '2.5', 'inf' or 'nan'. A string that is not a number is an error.",
                   example: """
                   >>> float("2.5")
                   2.5
                   """),
        BuiltinDoc("int", "int(x=0)",
                   "An int from a number (truncated toward zero), a bool, a one-element array or a decimal string. nan and inf cannot be converted: an error.",
                   example: """
                   >>> int(-2.7)
                   -2
                   """),
        BuiltinDoc("bool", "bool(x=False)",
                   "The truth of a value as Python defines it: 0, 0.0, None, empty strings and containers are False. An array of more than one element has no truth value: an error, as in NumPy.",
                   example: """
                   >>> bool(zeros(0))
                   False
                   """),
        BuiltinDoc("tuple", "tuple(iterable=())",
                   "A tuple of the items of a tuple, list, string or array (an array gives its rows, or numbers when it is 1-d).",
                   example: """
                   >>> tuple(arange(2))
                   (0.0, 1.0)
                   """),
        BuiltinDoc("list", "list(iterable=())",
                   "A list of the items of a tuple, list, string or array. Note that a list display of numbers `[1, 2]` is already an array (SPEC §3).",
                   example: """
                   >>> list(range(3))
                   [0, 1, 2]
                   """),
        BuiltinDoc("dict", "dict(**fields)",
                   "A record with the given fields, the same as the display `{\"name\": value}`. Fields read as `r.name` or `r[\"name\"]`.",
                   example: """
                   >>> dict(lr=0.1, steps=10)
                   {'lr': 0.1, 'steps': 10}
                   """),
        BuiltinDoc("time", "time()",
                   "Seconds since the Unix epoch as a float, from the system clock; the difference of two calls times a computation.",
                   example: """
                   >>> t = time()
                   >>> time() >= t
                   True
                   """),
        BuiltinDoc("process_time", "process_time()",
                   "CPU seconds this process has used, user plus system time of all its threads (BLAS threads included), as Python's `time.process_time()`. The difference of two calls times a computation without the time the process spent waiting for a CPU on a busy machine; the starting point is arbitrary.",
                   example: """
                   >>> t = process_time()
                   >>> process_time() >= t
                   True
                   """),
        BuiltinDoc("isclose", "isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False)",
                   "Elementwise |a - b| <= atol + rtol * |b| with broadcasting, as NumPy: a bool array (or a bool for two numbers). Infinities are close only to themselves; nan is close to nan only with `equal_nan=True`.",
                   example: """
                   >>> isclose(array([1.0, 1.1]), 1.0)
                   array([ True, False])
                   """),
        BuiltinDoc("allclose", "allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False)",
                   "True when every pair of elements is close in the sense of `isclose`.",
                   example: """
                   >>> allclose(0.1 + 0.2, 0.3)
                   True
                   """),
        BuiltinDoc("dis", "dis(f)",
                   "Prints the bytecode of a function defined in ADL: one instruction per line with its source line, offset, mnemonic, operands and a readable note. The mnemonics are documented in `man adl`.",
                   example: """
                   >>> def sq(x):
                   ...     return x * x
                   ...
                   >>> dis(sq)
                   function sq(x) locals=1 stack=3
                   2    0    BINARY_LL             0 0 MUL (x * x)
                        1    RETURN
                        2    LOAD_CONST            0 (None)
                        3    RETURN
                   """),
        BuiltinDoc("help", "help(name=None)",
                   "Prints the documentation of a builtin, given as the function itself or its name as a string (`help(sum)`, `help(\"linalg.solve\")`): its signature, one paragraph and a checked example. Without an argument it lists every documented builtin.",
                   example: """
                   >>> help("allclose")
                   allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False)

                   True when every pair of elements is close in the sense of `isclose`.

                   Example:
                       >>> allclose(0.1 + 0.2, 0.3)
                       True
                   """),
    ]
}
