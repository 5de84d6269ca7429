"""Staggering planner: finish-time shifts that minimise the conflict score (insights.conflicts).

The score is a sum of pairwise tables, so a choice of shifts costs sum over pairs of table[a][shift_a,
shift_b]. Two solvers:

- `solve_exact`: enumerates every combination (numpy broadcasting) while there are at most EXACT_LIMIT; the
  true optimum.
- `solve_local`: for larger sets (all of an area's secondaries). From the current times and from seeded random
  starts (the best descent wins), repeat until nothing improves: move the one school whose best shift lowers the score most; then try every pair of
  schools' shift combinations together, vectorised per pair (catches two schools that must move at once). Not guaranteed optimal;
  tests check it matches the exact solver on small cases.

Both minimise the same score plus a tie-break of 1e-9 x the current score per minute moved, so among equal
conflict the smallest total change wins and a school is never moved for nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from insights.conflicts import PairTable
from routing.graph import FloatArray

EXACT_LIMIT = 2_000_000


@dataclass(frozen=True)
class Problem:
    options: list[tuple[int, ...]]  # allowed shifts (in windows) per school; must include 0
    tables: list[PairTable]
    window_min: int = 5

    def score(self, choice: Sequence[int]) -> float:
        """Conflict for option indexes `choice` (one per school)."""
        return float(sum(t.cost[choice[t.a], choice[t.b]] for t in self.tables))

    def zero_choice(self) -> list[int]:
        return [opts.index(0) for opts in self.options]

    def tie_weight(self) -> float:
        return 1e-9 * max(self.score(self.zero_choice()), 1e-12)

    def moved_min(self, choice: Sequence[int]) -> int:
        return sum(abs(self.options[i][c]) * self.window_min for i, c in enumerate(choice))

    def total(self, choice: Sequence[int]) -> float:
        return self.score(choice) + self.tie_weight() * self.moved_min(choice)


@dataclass(frozen=True)
class Solution:
    choice: list[int]
    shifts_min: list[int]
    score: float
    method: str  # "exact" or "local search"


def _solution(problem: Problem, choice: Sequence[int], method: str) -> Solution:
    choice = [int(c) for c in choice]
    shifts = [problem.options[i][c] * problem.window_min for i, c in enumerate(choice)]
    return Solution(choice=choice, shifts_min=shifts, score=problem.score(choice), method=method)


def combinations(problem: Problem) -> int:
    return int(np.prod([len(o) for o in problem.options], dtype=np.float64))


def solve_exact(problem: Problem) -> Solution:
    """Every combination of shifts; raises ValueError when there are more than EXACT_LIMIT."""
    n = len(problem.options)
    if combinations(problem) > EXACT_LIMIT:
        raise ValueError("too many combinations for exact enumeration")
    shape = tuple(len(o) for o in problem.options)
    total: FloatArray = np.zeros(shape)
    for t in problem.tables:
        view = [1] * n
        view[t.a], view[t.b] = shape[t.a], shape[t.b]
        total = total + t.cost.reshape(view)
    weight = problem.tie_weight()
    for i, opts in enumerate(problem.options):
        view = [1] * n
        view[i] = shape[i]
        total = total + weight * problem.window_min * np.abs(np.asarray(opts, dtype=np.float64)).reshape(view)
    best = np.unravel_index(int(np.argmin(total)), shape)
    return _solution(problem, [int(b) for b in best], "exact")


LOCAL_STARTS = 24  # descents from the current times and from seeded random shifts; the best one wins


def solve_local(
    problem: Problem, *, max_rounds: int = 200, starts: int = LOCAL_STARTS, seed: int = 0
) -> Solution:
    """Best of several descents (see `_descend`): one from the current times, the others from seeded random
    shifts, because a single descent can stop in a local optimum far from the best plan."""
    rng = np.random.default_rng(seed)
    best = _descend(problem, problem.zero_choice(), max_rounds=max_rounds)
    for _ in range(starts - 1):
        start = [int(rng.integers(len(opts))) for opts in problem.options]
        found = _descend(problem, start, max_rounds=max_rounds)
        if problem.total(found) < problem.total(best) - 1e-12 * max(problem.total(best), 1.0):
            best = found
    return _solution(problem, best, "local search")


def _descend(problem: Problem, start: Sequence[int], *, max_rounds: int) -> list[int]:
    """Best-improvement local search with one-school and two-school moves (see module docstring)."""
    n = len(problem.options)
    choice = list(start)
    by_school: list[list[PairTable]] = [[] for _ in range(n)]
    for t in problem.tables:
        by_school[t.a].append(t)
        by_school[t.b].append(t)
    weight = problem.tie_weight() * problem.window_min

    def single_costs(i: int) -> FloatArray:
        costs = weight * np.abs(np.asarray(problem.options[i], dtype=np.float64))
        for t in by_school[i]:
            costs = costs + (t.cost[:, choice[t.b]] if t.a == i else t.cost[choice[t.a], :])
        return costs

    current = problem.total(choice)
    for _ in range(max_rounds):
        gains = []
        for i in range(n):
            costs = single_costs(i)
            best = int(np.argmin(costs))
            gains.append((costs[choice[i]] - costs[best], i, best))
        gain, i, best = max(gains)
        if gain > 1e-12 * max(current, 1.0):
            choice[i] = best
            current = problem.total(choice)
            continue
        # no single move helps: the best joint move of two schools sharing streets, if any lowers the score
        best_move: tuple[float, int, int, int, int] | None = None
        for t in problem.tables:
            own_a = single_costs(t.a) - t.cost[:, choice[t.b]]  # everything a pays except this pair
            own_b = single_costs(t.b) - t.cost[choice[t.a], :]
            joint = t.cost + own_a[:, None] + own_b[None, :]
            flat = np.unravel_index(int(np.argmin(joint)), joint.shape)
            pa, pb = int(flat[0]), int(flat[1])
            gain = float(joint[choice[t.a], choice[t.b]] - joint[pa, pb])
            if gain > 1e-12 * max(current, 1.0) and (best_move is None or gain > best_move[0]):
                best_move = (gain, t.a, pa, t.b, pb)
        if best_move is None:
            break
        _, a, move_a, b, move_b = best_move
        choice[a], choice[b] = move_a, move_b
        current = problem.total(choice)
    return choice


def solve(problem: Problem) -> Solution:
    """Exact when the combinations are few enough, otherwise the local search."""
    return solve_exact(problem) if combinations(problem) <= EXACT_LIMIT else solve_local(problem)
