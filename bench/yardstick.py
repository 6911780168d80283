"""How fast this machine is at the moment: bench/'s figures swing with it.

The same kind of two-core machine has run a bare loop of ten million additions in 0.5 s
and in 2.6 s within a day, and the same code's pages and load runs with it
(bench/README.md). Each script times that loop before and after it measures and
prints it beside its figures, so that a reader can tell the code from the machine.

The loop is the one every figure in bench/README.md was read beside: run as a script by
`python3` (the system's interpreter, 3.11 on the machines the README tells of; this
project's own 3.13 takes about half as long again for the same loop), timed by wall
clock. The load target was met with it at 0.59-0.62 s.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

LOOP = """
import platform, time
t = time.time()
s = 0
for i in range(10_000_000):
    s += i
print(time.time() - t, platform.python_version())
"""
MET_AT = "0.59-0.62 s"  # the loop around the load run that met its target (bench/README.md)


def loop_seconds() -> tuple[float, str] | None:
    """The loop's seconds and the interpreter that ran it, or None if it could not run."""
    python = shutil.which("python3") or sys.executable
    try:
        out = subprocess.run([python, "-c", LOOP], capture_output=True, text=True,
                             timeout=60, check=True)
        seconds, version = out.stdout.split()
        return float(seconds), version
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def describe(when: str) -> str:
    """A line for a report: "the machine before: a bare loop of 10 million additions 0.84 s
    (python3 3.11.2; the load target was met at 0.59-0.62 s)"."""
    found = loop_seconds()
    if found is None:
        return f"the machine {when}: the bare loop could not run"
    seconds, version = found
    return (f"the machine {when}: a bare loop of 10 million additions {seconds:.2f} s "
            f"(python3 {version}; the load target was met at {MET_AT})")
