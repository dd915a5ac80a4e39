"""The long profile of the whole-bot property test (tests/test_hostile_property.py).

Run: ``python -m bench.hostile [--examples 1000] [--seed N]``. CI runs 120 batches; this runs
as many as asked, each of 1-8 generated updates, with a random seed unless one is given (CI's
examples are derandomized, so each run here explores new ones). Prints the updates sent and
pytest's verdict; a failure prints hypothesis's smallest failing batch.
"""

from __future__ import annotations

import argparse
import os
import random
import sys

import pytest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    os.environ["HOSTILE_EXAMPLES"] = str(args.examples)
    os.environ["HOSTILE_SEED"] = str(seed)
    print(f"{args.examples} batches, seed {seed}")
    options = ["-q", "-s", "-p", "no:cacheprovider", f"--hypothesis-seed={seed}"]
    return pytest.main([*options, "tests/test_hostile_property.py"])


if __name__ == "__main__":
    sys.exit(main())
