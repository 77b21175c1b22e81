"""Run a command and write its peak resident memory (KiB) to a file when it exits.

    python benchmarks/peak_rss.py OUT_FILE COMMAND [ARG...]

Used inside a tmux pane, so the command has a real terminal.
"""

import os
import subprocess
import sys


def main() -> int:
    """Run argv[2:], wait for it, write its ru_maxrss to argv[1]; return its exit status."""
    out, command = sys.argv[1], sys.argv[2:]
    child = subprocess.Popen(command)
    _, status, usage = os.wait4(child.pid, 0)
    with open(out + ".partial", "w") as handle:
        handle.write(f"{usage.ru_maxrss}\n")
    os.replace(out + ".partial", out)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
