#!/usr/bin/env python3
"""Writes the malformed (and a few well-formed) files the io_* golden scripts load.

    /work/main/.venv/bin/python Tests/golden/data/make_io_fixtures.py

Run from anywhere; the files land beside this script. They are committed, so the golden
tests need no Python; rerun this only to change them.
"""
import io
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def header(text, version=(1, 0)):
    """A .npy preamble holding `text` as its header, padded as NumPy pads it."""
    body = text.encode("utf8" if version == (3, 0) else "latin1")
    length_size = 2 if version == (1, 0) else 4
    total = 8 + length_size + len(body) + 1
    body += b" " * ((64 - total % 64) % 64) + b"\n"
    return b"\x93NUMPY" + bytes(version) + len(body).to_bytes(length_size, "little") + body


def npy(array):
    f = io.BytesIO()
    np.save(f, array)
    return f.getvalue()


FILES = {
    # .npy files
    "good_int16_be_fortran.npy": npy(np.asfortranarray(np.arange(6, dtype=">i2").reshape(2, 3))),
    "bad_magic.npy": b"\x93NUMPZ\x01\x00" + npy(np.zeros(1))[8:],
    "not_npy.npy": b"1.0 2.0 3.0\n",
    "archive.npy": b"PK\x03\x04" + b"\0" * 28,
    "tiny.npy": b"\x93NUM",
    "version_4.npy": b"\x93NUMPY\x04\x00" + npy(np.zeros(1))[8:],
    "cut_in_length.npy": b"\x93NUMPY\x02\x00\x10\x00",
    "cut_in_header.npy": npy(np.zeros(1))[:40],
    "long_header.npy": header("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }" + " " * 12000,
                              version=(2, 0)) + b"\0" * 8,
    "unparsable.npy": header("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), ") + b"\0" * 8,
    "not_dict.npy": header("('<f8', False, (1,))") + b"\0" * 8,
    "missing_key.npy": header("{'descr': '<f8', 'shape': (1,), }") + b"\0" * 8,
    "shape_list.npy": header("{'descr': '<f8', 'fortran_order': False, 'shape': [1], }") + b"\0" * 8,
    "negative_shape.npy": header("{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }"),
    "order_int.npy": header("{'descr': '<f8', 'fortran_order': 0, 'shape': (1,), }") + b"\0" * 8,
    "complex.npy": npy(np.array([1 + 2j])),
    "object.npy": header("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }") + b"\0" * 8,
    "strings.npy": npy(np.array(["abc"])),
    "structured.npy": npy(np.zeros(1, dtype=[("a", "<f8")])),
    "longdouble.npy": header("{'descr': '<f16', 'fortran_order': False, 'shape': (1,), }") + b"\0" * 16,
    "datetime.npy": npy(np.array(["2024-01-01"], dtype="M8[D]")),
    "truncated.npy": npy(np.arange(4.0))[:-5],
    "huge_shape.npy": header("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }"),
    # text tables
    "ragged.txt": "1 2 3\n4 5 6\n7 8\n",
    "words.csv": "# x, y\n1.0, 2.0\n3.0, three\n",
    "table.txt": "# a b c\n1 2 3\n4 5 6\n",
    "decimals.txt": "1.5 2\n3 4\n",
}


def main():
    for name, data in FILES.items():
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(os.path.join(HERE, name), mode) as f:
            f.write(data)
    print(f"wrote {len(FILES)} files to {HERE}")


if __name__ == "__main__":
    main()
