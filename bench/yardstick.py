"""How fast this machine is at the moment: bench/'s figures swing with it.

The same kind of two-core machine has run a bare loop of ten million additions in 0.5 s
and in 2.6 s within a day, and the same code's pages and load runs with it
(bench/README.md). Each script times that loop before and after it measures and
prints it beside its figures, so that a reader can tell the code from the machine.

The loop is the one every figure in bench/README.md was read beside: run as a script by
`python3` (the system's interpreter, 3.11 on the machines the README tells of; this
project's own 3.13 takes about half as long again for the same loop), timed by wall
clock. The load target was met with it at 0.59-0.62 s.

Then the same loop twice at once, one on each core: the slower of the two. The load
keeps both cores busy, and on these shared machines two cores at once have given a tenth
less each while one alone ran as fast as ever (bench/README.md, 1 and 3 December 2026).
The single loop cannot show that; the pair may (it is noisier: one reading).
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


def loop_seconds(copies: int = 1) -> tuple[float, str] | None:
    """The loop's seconds (the slowest of `copies` run at once) and the interpreter that
    ran it, or None if it could not run."""
    python = shutil.which("python3") or sys.executable
    running: list[subprocess.Popen] = []
    try:
        for _ in range(copies):
            running.append(subprocess.Popen([python, "-c", LOOP], stdout=subprocess.PIPE,
                                            text=True))
        outs = [process.communicate(timeout=60)[0] for process in running]
        if any(process.returncode for process in running):
            return None
        found = [out.split() for out in outs]
        return max(float(seconds) for seconds, _ in found), found[0][1]
    except (OSError, ValueError, subprocess.SubprocessError):
        for process in running:
            process.kill()
        return None


def describe(when: str) -> str:
    """A line for a report: "the machine before: a bare loop of 10 million additions 0.84 s,
    two at once 0.93 s (python3 3.11.2; the load target was met at 0.59-0.62 s)"."""
    found = loop_seconds()
    if found is None:
        return f"the machine {when}: the bare loop could not run"
    seconds, version = found
    pair = loop_seconds(copies=2)
    both = f", two at once {pair[0]:.2f} s" if pair else ""
    return (f"the machine {when}: a bare loop of 10 million additions {seconds:.2f} s{both} "
            f"(python3 {version}; the load target was met at {MET_AT})")
