"""``python -m credits_analysis.demo``: rebuild the bundled demo store, print the calibration."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from credits_analysis.cache import RawCache
from credits_analysis.demo.calibration import calibration_markdown, calibration_table
from credits_analysis.demo.store import write_demo_data


def main(argv: Sequence[str] | None = None) -> int:
    """Rebuild the synthetic demo store and/or print the calibration table (Markdown)."""
    parser = argparse.ArgumentParser(
        prog="python -m credits_analysis.demo", description=main.__doc__
    )
    parser.add_argument("--write", metavar="DIR", type=Path, help="rebuild the demo store in DIR")
    parser.add_argument("--calibration", action="store_true", help="print the calibration table")
    args = parser.parse_args(argv)
    if args.write is None and not args.calibration:
        parser.error("give --write DIR, --calibration or both")
    if args.write is not None:
        entries = write_demo_data(args.write)
        size = RawCache(args.write).size_bytes()
        print(f"wrote {len(entries)} entries to {args.write} ({size / 1e6:.2f} MB in the folder)")
    if args.calibration:
        print(calibration_markdown(calibration_table()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
