"""Hypothesis strategies shared by the identifier tests."""

from __future__ import annotations

import random

from hypothesis import strategies as st

#: A deterministic ``random.Random`` per example, so failures shrink to a seed.
rngs = st.integers(min_value=0, max_value=2**64 - 1).map(random.Random)


def substitutions(code: str, alphabet: str, positions: range | None = None) -> list[str]:
    """Every code that differs from ``code`` in exactly one position, within ``alphabet``."""
    out = []
    for i in positions if positions is not None else range(len(code)):
        for c in alphabet:
            if c != code[i]:
                out.append(code[:i] + c + code[i + 1 :])
    return out


def transpositions(code: str) -> list[str]:
    """Every code obtained by swapping two adjacent, distinct characters of ``code``."""
    return [
        code[:i] + code[i + 1] + code[i] + code[i + 2 :]
        for i in range(len(code) - 1)
        if code[i] != code[i + 1]
    ]
