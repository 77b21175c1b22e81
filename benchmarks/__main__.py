"""Run the benchmarks (issues 7 and 17) and print each figure beside its anchor.

    python -m benchmarks              # full size: a clinic of ~1M sets (first run generates it)
    python -m benchmarks --size tiny  # seconds; what CI runs so the suite cannot rot

Exit status 0 when every figure meets its target, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import figures
from benchmarks.figures import format_value
from benchmarks.generate import OUT, cached, cached_forms, compile_bytecode
from benchmarks.terminal import Tmux

# Which generated size stands for the clinic, the ten-year athlete, the ten-day one and
# the 20 athletes whose file is imported in every timestamp form.
SIZES = {
    "full": ("clinic", "one", "ten-days", "twenty"),
    "tiny": ("tiny", "tiny-one", "ten-days", "tiny-twenty"),
}
REPEATS = {"full": 5, "tiny": 1}


def table(results: list[figures.Figure]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| # | figure | measured | anchor | ratio | target | pass |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in results:
        ratio = f"{f.ratio:.2f}x" if f.ratio is not None else "–"
        lines.append(
            f"| {f.number} | {f.name} | {format_value(f.measured, f.unit)} | "
            f"{format_value(f.anchor, f.unit)} ({f.anchor_name}) | {ratio} | {f.target} | "
            f"{'PASS' if f.passed else 'FAIL'} |"
        )
    return "\n".join(lines)


def settle() -> None:
    """Let the figure before finish with the disk: write out what it left for the kernel to
    write (the million-set import leaves ~200 MB), so that its write-back does not fall into
    the next figure's product and anchor runs."""
    os.sync()
    time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    """Generate the databases if missing, run the figures asked for, print the table."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--repeats", type=int, help="runs per figure (medians are reported)")
    parser.add_argument(
        "--only",
        type=int,
        action="append",
        help="run the function that measures figure N only (repeatable; see figures.ALL)",
    )
    parser.add_argument("--out", type=Path, default=OUT, help="where generated data is cached")
    args = parser.parse_args(argv)

    clinic, one, ten_days, twenty = SIZES[args.size]
    print("Machine:", "; ".join(f"{k} {v}" for k, v in figures.machine().items()), flush=True)
    compile_bytecode()
    started = time.perf_counter()
    clinic_csv, clinic_db = cached(clinic, args.out)
    _, one_db = cached(one, args.out)
    _, ten_days_db = cached(ten_days, args.out)
    twenty_forms = cached_forms(twenty, args.out)
    print(f"Data ready in {time.perf_counter() - started:.1f} s ({args.out})", flush=True)

    results: list[figures.Figure] = []
    with tempfile.TemporaryDirectory(prefix="bench-", dir=args.out) as scratch_dir:
        scratch = Path(scratch_dir)
        env = figures.env_for(scratch / "home")
        tmux = Tmux(env)
        bench = figures.Bench(
            clinic_csv=clinic_csv,
            clinic_db=clinic_db,
            one_db=one_db,
            ten_days_db=ten_days_db,
            scratch=scratch,
            repeats=args.repeats or REPEATS[args.size],
            tmux=tmux,
            env=env,
            twenty_forms=twenty_forms,
        )
        try:
            for measure in figures.ALL:
                numbers = figures.NUMBERS[measure]
                if args.only and not set(numbers) & set(args.only):
                    continue
                settle()
                began = time.perf_counter()
                measured = measure(bench)
                took = time.perf_counter() - began
                for result in measured if isinstance(measured, list) else [measured]:
                    results.append(result)
                    print(
                        f"{result.number}. {result.name}: "
                        f"{format_value(result.measured, result.unit)}"
                        f" vs {format_value(result.anchor, result.unit)}"
                        + (f" = {result.ratio:.2f}x" if result.ratio is not None else "")
                        + f"  target {result.target}: {'PASS' if result.passed else 'FAIL'}"
                        + f"  ({took:.0f} s)",
                        flush=True,
                    )
        finally:
            tmux.close()
    print()
    print(table(sorted(results, key=lambda f: f.number)))
    return 0 if all(f.passed for f in results) else 1


if __name__ == "__main__":
    sys.exit(main())
