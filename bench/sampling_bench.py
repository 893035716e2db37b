"""双随机 sampling benchmark: the stratified draw itself over a large population.

Usage:
    uv run python bench/sampling_bench.py [--subjects 1000000] [--rounds 5]

What it times: `credit.supervision.sampling.draw` over N subjects keyed by 22-character
public ids, graded A 30 %, B 45 %, C 15 %, D 5 %, ungraded 5 %, with the default ratios —
the sort of each stratum by public id (what makes the draw reproducible whatever order the
database returns) and the per-stratum sampling. Prints the median of --rounds rounds, and
checks that every round drew the same subjects. The database part of a draw (population
query, grades, storing the drawn rows) is not included.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import string
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit.settings")
    os.environ.setdefault("CREDIT_DEBUG", "1")
    import django

    django.setup()
    from credit.supervision.sampling import DEFAULT_RATIOS, draw

    rng = random.Random(1)
    alphabet = string.ascii_uppercase + string.digits
    grades = ["A"] * 30 + ["B"] * 45 + ["C"] * 15 + ["D"] * 5 + ["none"] * 5
    population = {
        "".join(rng.choices(alphabet, k=22)): rng.choice(grades) for _ in range(args.subjects)
    }
    times, results = [], []
    for _ in range(args.rounds):
        start = time.perf_counter()
        result = draw(population, DEFAULT_RATIOS, "20260315")
        times.append(time.perf_counter() - start)
        results.append([r.drawn for r in result])
    assert all(r == results[0] for r in results), "a round drew other subjects"
    drawn = sum(len(d) for d in results[0])
    load = os.getloadavg()
    print(f"subjects: {len(population):,}; drawn: {drawn:,}")
    print(
        f"draw (sort + sample per stratum): median {statistics.median(times):.2f} s, "
        f"min {min(times):.2f} s over {args.rounds} rounds"
    )
    print(
        f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; python {sys.version.split()[0]}"
    )


if __name__ == "__main__":
    main()
