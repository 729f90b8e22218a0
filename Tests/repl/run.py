#!/usr/bin/env python3
"""Drives the real `adl` REPL on a pseudo-terminal, as a person at a keyboard would.

    python3 Tests/repl/run.py --adl .build/debug/adl [NAME_SUBSTRING...]

Each test starts `adl` on a fresh pty (HOME and ADL_HISTORY in a temporary folder,
INPUTRC=/dev/null so no personal readline settings apply), types into it and waits
for the text it expects. Synchronisation is always on output (a prompt, a value),
with generous timeouts for a slow, shared CI machine; nothing relies on a fixed
sleep. Only the standard library is used (pty, os, select).

Prints one line per test and `repl: N passed, M failed`; exits 1 if any failed.
"""

import argparse
import os
import pty
import re
import select
import shutil
import signal
import struct
import sys
import tempfile
import termios
import fcntl
import time

TIMEOUT = 60.0
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|[\x01\x02]")
SGR = re.compile(r"\x1b\[[0-9;]*m")


class Failure(Exception):
    pass


class Session:
    """One `adl` process on a pty."""

    def __init__(self, adl, home, extra_env=None, args=()):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": home,
            "ADL_HISTORY": os.path.join(home, "history"),
            "TERM": "xterm",
            "INPUTRC": "/dev/null",
            "NO_COLOR": "1",
            "LANG": "C.UTF-8",
        }
        env.update(extra_env or {})
        env = {k: v for k, v in env.items() if v is not None}
        pid, fd = pty.fork()
        if pid == 0:
            try:
                os.chdir(home)
                os.execve(adl, [adl, *args], env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        # A wide terminal, so readline never wraps a line we look for.
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 200, 0, 0))
        self.raw = b""
        self.seen = 0  # how much of the cleaned output earlier expects consumed
        self.status = None

    @property
    def text(self):
        return ANSI.sub("", self.raw.decode("utf-8", "replace")).replace("\r", "")

    def read_some(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            data = b""
        if not data:
            raise Failure("adl closed the terminal; output so far:\n" + self.text[-2000:])
        self.raw += data
        return True

    def expect(self, pattern, timeout=TIMEOUT):
        """Waits for `pattern` (a regex) in the output after the last match; returns the match."""
        regex = re.compile(pattern, re.S)
        deadline = time.monotonic() + timeout
        while True:
            m = regex.search(self.text, self.seen)
            if m:
                self.seen = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure(f"timed out waiting for {pattern!r}; output after the last match:\n"
                              + self.text[self.seen:][-2000:])
            self.read_some(min(left, 1.0))

    def prompt(self, timeout=TIMEOUT):
        return self.expect(r">>> ", timeout)

    def send(self, text):
        os.write(self.fd, text.encode())

    def line(self, text):
        self.send(text + "\r")

    def wait(self, timeout=TIMEOUT):
        """Waits for the process to exit, draining its output; returns the exit status."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
            try:
                self.read_some(0.2)
            except Failure:
                pass
        raise Failure("adl did not exit; output:\n" + self.text[-2000:])

    def close(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
        try:
            os.close(self.fd)
        except OSError:
            pass


# MARK: - Tests

def test_multiline_def(s):
    s.prompt()
    s.line("def f(x):")
    s.expect(r"\.\.\. ")
    s.line("    y = x * 2")
    s.expect(r"\.\.\. ")
    s.line("    return y")
    s.expect(r"\.\.\. ")
    s.line("")
    s.prompt()
    s.line("f(21)")
    s.expect(r"\n42\n")
    s.prompt()


def test_paste_multiline_function(s):
    s.prompt()
    # Bracketed paste (readline's default): the whole function, with a blank line inside its body.
    s.send("\x1b[200~def g(x):\n    a = x + 1\n\n    return a * 10\n\x1b[201~")
    s.send("\r")
    s.prompt()
    s.line("g(1)")
    s.expect(r"\n20\n")


def test_tab_completes_builtin(s):
    s.prompt()
    s.send("linsp\t")
    s.expect(r"linspace")
    s.line("(0, 1, 3)")
    s.expect(r"array\(\[0\. , 0\.5, 1\. \]\)")


def test_tab_completes_method(s):
    s.prompt()
    s.line("x = arange(6)")
    s.prompt()
    s.send("x.resh\t")
    s.expect(r"x\.reshape")
    s.line("(2, 3).shape")
    s.expect(r"\(2, 3\)")


def test_tab_completes_keyword_argument(s):
    s.prompt()
    s.send("sum(ones((2, 2)), ax\t")
    s.expect(r"axis=")
    s.line("0)")
    s.expect(r"array\(\[2\., 2\.\]\)")


def test_tab_indents_at_line_start(s):
    s.prompt()
    s.line("def h():")
    s.expect(r"\.\.\. ")
    s.send("\treturn 7\r")
    s.expect(r"\.\.\. ")
    s.line("")
    s.prompt()
    s.line("h()")
    s.expect(r"\n7\n")


def test_history_persists(s, adl, home):
    s.prompt()
    s.line("def twice(x):")
    s.expect(r"\.\.\. ")
    s.line("    return 2 * x")
    s.expect(r"\.\.\. ")
    s.line("")
    s.prompt()
    s.line("40 + 2")
    s.expect(r"\n42\n")
    s.prompt()
    s.send("\x04")
    if s.wait() != 0:
        raise Failure(f"exit status {s.status}")
    second = Session(adl, home)
    try:
        second.prompt()
        second.send("\x1b[A")  # Up: the last entry
        second.expect(r"40 \+ 2")
        second.send("\x1b[A")  # Up again: the whole def, one entry
        second.expect(r"return 2 \* x")
        second.send("\r")
        second.prompt()
        second.line("twice(21)")
        second.expect(r"\n42\n")
    finally:
        second.close()


def test_ctrl_c_clears_line(s):
    s.prompt()
    s.send("this is not code")
    s.expect(r"this is not code")
    s.send("\x03")
    s.prompt()
    s.line("1 + 2")
    s.expect(r"\n3\n")
    s.prompt()
    # Ctrl-C inside a block abandons the whole block.
    s.line("def broken(:")
    s.expect(r"\.\.\. ")
    s.send("\x03")
    s.prompt()
    s.line("5 * 5")
    s.expect(r"\n25\n")


def interrupt_running(s):
    """Ctrl-C until the running program reports KeyboardInterrupt (a signal sent in the
    moment before the loop starts can be taken by the prompt instead: retry a few times)."""
    for attempt in range(5):
        s.send("\x03")
        try:
            s.expect(r"KeyboardInterrupt", timeout=10)
            return
        except Failure:
            if attempt == 4:
                raise


def test_ctrl_c_interrupts_loop(s):
    s.prompt()
    s.line("keep = 11")
    s.prompt()
    s.line("def spin():")
    s.expect(r"\.\.\. ")
    s.line("    print('spinning')")
    s.expect(r"\.\.\. ")
    s.line("    while True: pass")
    s.expect(r"\.\.\. ")
    s.line("")
    s.prompt()
    s.line("spin()")
    s.expect(r"spinning")
    interrupt_running(s)
    s.prompt()
    s.line("while True: pass")
    s.expect(r"\.\.\. ")
    s.line("")
    time.sleep(0.3)  # not the synchronisation: the loop is confirmed by the message below
    interrupt_running(s)
    s.prompt()
    s.line("keep + 1")
    s.expect(r"\n12\n")


def test_ctrl_d_exits_zero(s):
    s.prompt()
    s.send("\x04")
    status = s.wait()
    if status != 0:
        raise Failure(f"exit status {status}")


def test_error_keeps_definitions(s):
    s.prompt()
    s.line("w = arange(3)")
    s.prompt()
    s.line("w + zeros(4)")
    m = s.expect(r"error: operands could not be broadcast together with shapes \(3,\) \(4,\)\n"
                 r"  --> <stdin>:1:3\n   \|\n 1 \| w \+ zeros\(4\)\n   \|   \^\n")
    s.prompt()
    s.line("w * 2")
    s.expect(r"array\(\[0\., 2\., 4\.\]\)")


def test_underscore(s):
    s.prompt()
    s.line("6 * 7")
    s.expect(r"\n42\n")
    s.prompt()
    s.line("_ + 1")
    s.expect(r"\n43\n")


def test_time_command(s):
    s.prompt()
    s.line(":time sum(arange(100))")
    s.expect(r"best [0-9.]+ (ns|µs|ms|s), median [0-9.]+ (ns|µs|ms|s) per run \(\d+ loops? of \d+ runs?\)")
    s.prompt()


def test_vars_command(s):
    s.prompt()
    s.line("A = ones((2, 3))")
    s.prompt()
    s.line("n = 4")
    s.prompt()
    s.line(":vars")
    s.expect(r"name\s+type\s+shape / value\nA\s+array\s+\(2, 3\)\nn\s+int\s+4\n")
    s.prompt()


def test_quit_command(s):
    s.prompt()
    s.line(":quit")
    if s.wait() != 0:
        raise Failure(f"exit status {s.status}")


def test_no_color(s):
    s.prompt()
    s.line("nosuchname")
    s.expect(r"error: name 'nosuchname' is not defined")
    s.prompt()
    if SGR.search(s.raw.decode("utf-8", "replace")):
        raise Failure("colour codes with NO_COLOR set: " + repr(s.raw[-300:]))


def test_colour_at_terminal(adl, home):
    s = Session(adl, home, {"NO_COLOR": None})
    try:
        s.prompt()
        s.line("nosuchname")
        s.expect(r"error: name 'nosuchname' is not defined")
        s.prompt()
        raw = s.raw.decode("utf-8", "replace")
        if "\x1b[1;32m" not in raw:
            raise Failure("no coloured prompt: " + repr(raw[:300]))
        if "\x1b[1;31merror:" not in raw:
            raise Failure("no coloured error: " + repr(raw[-400:]))
    finally:
        s.close()


def test_help_command(s):
    s.prompt()
    s.line(":help linspace")
    s.expect(r"linspace\(start, stop")
    s.prompt()


TESTS = [
    ("multi-line def", test_multiline_def),
    ("paste a multi-line function", test_paste_multiline_function),
    ("Tab completes a builtin", test_tab_completes_builtin),
    ("Tab completes a method", test_tab_completes_method),
    ("Tab completes a keyword argument", test_tab_completes_keyword_argument),
    ("Tab indents at the start of a line", test_tab_indents_at_line_start),
    ("history persists across sessions", "history"),
    ("Ctrl-C clears the line", test_ctrl_c_clears_line),
    ("Ctrl-C interrupts a loop", test_ctrl_c_interrupts_loop),
    ("Ctrl-D exits with status 0", test_ctrl_d_exits_zero),
    ("an error keeps definitions", test_error_keeps_definitions),
    ("_ holds the last value", test_underscore),
    (":time", test_time_command),
    (":vars", test_vars_command),
    (":help", test_help_command),
    (":quit", test_quit_command),
    ("NO_COLOR", test_no_color),
    ("colour at a terminal", "colour"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--adl", default=".build/debug/adl")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    adl = os.path.abspath(args.adl)
    if not os.access(adl, os.X_OK):
        print(f"repl: {adl} is not an executable; build it first", file=sys.stderr)
        return 2
    passed = failed = 0
    for name, test in TESTS:
        if args.names and not any(n.lower() in name.lower() for n in args.names):
            continue
        home = tempfile.mkdtemp(prefix="adl-repl-")
        session = None
        try:
            if test == "history":
                session = Session(adl, home)
                test_history_persists(session, adl, home)
            elif test == "colour":
                test_colour_at_terminal(adl, home)
            else:
                session = Session(adl, home)
                test(session)
            passed += 1
            print(f"ok    {name}")
        except Failure as e:
            failed += 1
            print(f"FAIL  {name}\n" + "\n".join("      " + l for l in str(e).splitlines()))
        finally:
            if session:
                session.close()
            shutil.rmtree(home, ignore_errors=True)
    print(f"repl: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
