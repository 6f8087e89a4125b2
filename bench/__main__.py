"""python -m bench [NAME ...] [--quick] — run benchmarks, each rewriting its own section of docs/performance.md.

Each benchmark is a function returning a Markdown section (starting with a "## " title). Its
section sits between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->`` markers, so benchmarks
added later (search, ...) write their own sections without touching the others. To add one,
put a module in bench/ and register its function in BENCHMARKS.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

from bench import access_bench, search_bench

REPORT = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
TITLE = "# Performance\n\nMeasured by `make bench` (`python -m bench`); each section is rewritten by its benchmark.\n"

# name -> function(quick) returning the Markdown section.
BENCHMARKS: dict[str, Callable[[bool], str]] = {
    "access": access_bench.run,
    "search": search_bench.run,
}


def write_section(name: str, section: str, report: Path = REPORT) -> None:
    text = report.read_text() if report.exists() else TITLE
    block = f"<!-- bench:{name} -->\n{section.strip()}\n<!-- /bench:{name} -->"
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.DOTALL)
    text = pattern.sub(lambda _match: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"benchmarks to run: {', '.join(BENCHMARKS)} (default: all)")
    parser.add_argument("--quick", action="store_true", help="small sizes only, for a smoke run")
    parser.add_argument("--no-write", action="store_true", help="print the sections instead of writing the report")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    for name in args.names or list(BENCHMARKS):
        section = BENCHMARKS[name](args.quick)
        if args.no_write:
            print(section)
        else:
            write_section(name, section)
            print(f"{name}: written to {REPORT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
