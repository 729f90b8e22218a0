// Documentation of the io builtins (see Docs.swift for the format).

extension Docs {
    static let io: [BuiltinDoc] = [
        BuiltinDoc("save", "save(file, arr)",
                   """
                   Writes arr to file in NumPy's .npy format, exactly as np.save: version 1.0, '<f8' \
                   for a float array and '|b1' for a bool array, C order, NumPy's header padded to 64 \
                   bytes. ".npy" is appended when the name lacks it. The write is atomic: the bytes go \
                   to a temporary file in the same folder, renamed over file when complete, so a \
                   failed save leaves no partial file; failures are errors naming the file.
                   """,
                   example: """
                   >>> save("/tmp/adl_example_save", array([[1.0, 2.0], [3.0, 4.0]]))
                   >>> load("/tmp/adl_example_save.npy")
                   array([[1., 2.],
                          [3., 4.]])
                   """),
        BuiltinDoc("load", "load(file)",
                   """
                   Reads a .npy file as np.load: format versions 1.0, 2.0 and 3.0, either byte order, \
                   C or Fortran order, and the dtypes bool, int8 to int64, uint8 to uint64, float16, \
                   float32 and float64, converted to float64 (bool stays bool); a 0-d array gives a \
                   number. A missing file, a bad magic string, a broken header, truncated data or an \
                   unsupported dtype (complex, object, strings, structured) is an error naming the file.
                   """,
                   example: """
                   >>> save("/tmp/adl_example_load.npy", array([True, False]))
                   >>> load("/tmp/adl_example_load.npy")
                   array([ True, False])
                   """),
        BuiltinDoc("loadtxt", "loadtxt(fname, dtype=float, comments='#', delimiter=None, converters=None, skiprows=0, usecols=None, unpack=False, ndmin=0, encoding=None, max_rows=None)",
                   """
                   Reads a table of numbers from a text file as np.loadtxt: fields split at whitespace \
                   (or at delimiter, one character), text after a comment marker (a string or a list \
                   of strings; None for none) ignored, blank lines skipped, the first skiprows lines \
                   dropped, at most max_rows data rows read, usecols (an int or a sequence, negative \
                   from the end) picking columns. The rows x columns result is squeezed (one row or \
                   column gives 1-d, one value a float), then given at least ndmin (0, 1 or 2) axes, \
                   then transposed if unpack. dtype=int requires integer fields. Rows of different \
                   lengths and fields that are not numbers are errors naming the file, row and column.
                   """,
                   example: """
                   >>> savetxt("/tmp/adl_example_loadtxt.csv", array([[1.0, 2.0], [3.0, 4.0]]), delimiter=",")
                   >>> loadtxt("/tmp/adl_example_loadtxt.csv", delimiter=",")
                   array([[1., 2.],
                          [3., 4.]])
                   >>> loadtxt("/tmp/adl_example_loadtxt.csv", delimiter=",", usecols=1)
                   array([2., 4.])
                   """),
        BuiltinDoc("savetxt", "savetxt(fname, X, fmt='%.18e', delimiter=' ', newline='\\n', header='', footer='', comments='# ', encoding=None)",
                   """
                   Writes a 1-d (as a column) or 2-d array as text, byte for byte as np.savetxt: each \
                   row is fmt applied with Python's % operator, where fmt is one conversion for every \
                   column, one per column joined by delimiter, or a list of them; header and footer \
                   lines start with comments. The write is atomic, as for save.
                   """,
                   example: """
                   >>> savetxt("/tmp/adl_example_savetxt.txt", array([[1.5, 2.0], [3.0, 4.25]]), fmt="%.2f")
                   >>> loadtxt("/tmp/adl_example_savetxt.txt")
                   array([[1.5 , 2.  ],
                          [3.  , 4.25]])
                   """),
    ]
}
