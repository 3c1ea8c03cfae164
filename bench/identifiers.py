"""Benchmark: ``zhengwu.identifiers.uscc.is_valid`` against python-stdnum's ``cn.uscc.is_valid``.

Generates N USCCs deterministically (about 10 % corrupted by one substituted character), times
both validators over the same list in the same run (best of 3 each), and prints a JSON line
last::

    .venv/bin/python bench/identifiers.py [--n 1000000] [--seed 20261123] [--repeat 3]

Exits with status 1 if ours is less than ``target`` (2.0) times as fast as stdnum.

stdnum rejects valid codes with authority A/N/Y (about 19 % of generated codes), so the two
do not agree on every code; the agreement is printed for information, not asserted.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable

import _harness as h
from stdnum.cn import uscc as stdnum_uscc

from zhengwu.identifiers import generate, uscc
from zhengwu.identifiers._checks import GB32100_ALPHABET

TARGET = 2.0


def make_codes(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    codes = []
    for _ in range(n):
        code = generate.uscc(rng)
        if rng.random() < 0.1:
            i = rng.randrange(18)
            code = code[:i] + rng.choice(GB32100_ALPHABET.replace(code[i], "")) + code[i + 1 :]
        codes.append(code)
    return codes


def best_rate(fn: Callable[[str], bool], codes: list[str], repeat: int) -> tuple[float, int]:
    best = float("inf")
    accepted = 0
    for _ in range(repeat):
        start = time.perf_counter()
        accepted = sum(map(fn, codes))
        best = min(best, time.perf_counter() - start)
    return len(codes) / best, accepted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    codes = make_codes(args.n, args.seed)
    print(f"generated {len(codes):,} codes in {time.perf_counter() - start:.1f} s")

    ours, ours_ok = best_rate(uscc.is_valid, codes, args.repeat)
    print(f"zhengwu.identifiers.uscc.is_valid: {ours:,.0f} codes/s ({ours_ok:,} valid)")
    base, base_ok = best_rate(stdnum_uscc.is_valid, codes, args.repeat)
    print(f"stdnum.cn.uscc.is_valid:           {base:,.0f} codes/s ({base_ok:,} valid)")
    ratio = ours / base
    print(f"ratio {ratio:.2f} (target {TARGET})")
    result = {
        "benchmark": "identifiers.uscc_is_valid",
        "value": round(ours),
        "unit": "codes/s",
        "baseline": round(base),
        "ratio": round(ratio, 3),
        "target": TARGET,
        "n": len(codes),
    }
    return h.report(result, ratio >= TARGET)


if __name__ == "__main__":
    sys.exit(main())
