"""Where and when schools meet: the one objective the planner minimises.

    conflict = sum over school pairs (a, b), street segments s and 5-minute windows k of
               risk[s, k] x min(flow_a[s, k], flow_b[s, k])

`min` counts the pupils of the smaller group who share a street with the other school in that window; risk
is the router's risk score of the street at that time (hotspots included). Shifting a school's finish time by
whole windows moves its flows along the time axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from routing.graph import FloatArray, IntArray

OBJECTIVE = (
    "Conflict score: for every pair of schools, every street and every 5-minute window, the street's risk "
    "score at that time times the smaller of the two schools' expected pupil numbers there; summed."
)


@dataclass(frozen=True)
class SchoolFlow:
    urn: str
    segments: IntArray  # sorted segment ids with any flow
    flow: FloatArray  # (len(segments), windows)


def shifted(flow: FloatArray, by_windows: int) -> FloatArray:
    """Flows moved later by `by_windows` (earlier when negative); the grid has room so nothing falls off."""
    if by_windows == 0:
        return flow
    out = np.zeros_like(flow)
    if by_windows > 0:
        out[:, by_windows:] = flow[:, :-by_windows]
    else:
        out[:, :by_windows] = flow[:, -by_windows:]
    return out


@dataclass(frozen=True)
class PairTable:
    """Conflict of one school pair for every combination of their shifts (in windows)."""

    a: int
    b: int
    shifts_a: tuple[int, ...]
    shifts_b: tuple[int, ...]
    cost: FloatArray  # (len(shifts_a), len(shifts_b))
    segments: IntArray  # the segments both schools use


def pair_table(
    fa: SchoolFlow, fb: SchoolFlow, *, risk: FloatArray, a: int, b: int, shifts_a: tuple[int, ...],
    shifts_b: tuple[int, ...],
) -> PairTable | None:  # fmt: skip
    """`risk` is (segments, windows). None when the two schools share no street."""
    common, ia, ib = np.intersect1d(fa.segments, fb.segments, assume_unique=True, return_indices=True)
    if len(common) == 0:
        return None
    flow_a, flow_b, r = fa.flow[ia], fb.flow[ib], risk[common]
    cost = np.zeros((len(shifts_a), len(shifts_b)))
    # sum_k r[k] min(A[k - da], B[k - db]) = sum_j r[j + da] min(A[j], B[j - delta]), delta = db - da. Risk only
    # changes at a few moments (after-school peak, dusk, hotspot windows), so per relative shift one elementwise
    # min and its running sum over the windows where school a has pupils out; then per shift and risk period
    # one dot product.
    busy = np.flatnonzero(flow_a.any(axis=0))
    if len(busy) == 0:
        return None
    j0, j1 = int(busy[0]), int(busy[-1]) + 1
    pad = max(abs(d) for d in (*shifts_a, *shifts_b))
    r_pad = np.pad(r, ((0, 0), (pad, pad)))
    b_pad = np.pad(flow_b, ((0, 0), (2 * pad, 2 * pad)))
    changes = np.flatnonzero(np.any(r_pad[:, 1:] != r_pad[:, :-1], axis=0)) + 1
    starts = np.concatenate([[0], changes]).astype(np.int64)
    ends = np.concatenate([changes, [r_pad.shape[1]]]).astype(np.int64)
    span = j1 - j0
    running: dict[int, FloatArray] = {}
    for i, da in enumerate(shifts_a):
        offset = j0 + da + pad  # r_pad column of window j0 of school a, shifted by da
        blocks = [
            (int(bs), max(0, int(bs) - offset), min(span, int(be) - offset))
            for bs, be in zip(starts, ends, strict=True)
        ]
        for j, db in enumerate(shifts_b):
            delta = db - da
            if delta not in running:
                both = np.minimum(flow_a[:, j0:j1], b_pad[:, j0 - delta + 2 * pad : j1 - delta + 2 * pad])
                running[delta] = np.concatenate([np.zeros((len(common), 1)), np.cumsum(both, axis=1)], axis=1)
            cum = running[delta]
            cost[i, j] = float(
                sum(r_pad[:, bs] @ (cum[:, hi] - cum[:, lo]) for bs, lo, hi in blocks if hi > lo)
            )
    return PairTable(a=a, b=b, shifts_a=shifts_a, shifts_b=shifts_b, cost=cost, segments=common)


def segment_conflict(
    flows: list[SchoolFlow], shifts: list[int], *, risk: FloatArray, segments: IntArray
) -> FloatArray:
    """Conflict per segment (summed over pairs and windows) for given shifts, over `segments`."""
    out = np.zeros(len(segments))
    dense: list[FloatArray] = []
    for f, d in zip(flows, shifts, strict=True):
        full = np.zeros((len(segments), risk.shape[1]))
        _, i_seg, i_f = np.intersect1d(segments, f.segments, assume_unique=True, return_indices=True)
        full[i_seg] = shifted(f.flow, d)[i_f]
        dense.append(full)
    r = risk[segments]
    for i in range(len(dense)):
        for j in range(i + 1, len(dense)):
            out += np.sum(r * np.minimum(dense[i], dense[j]), axis=1)
    return out
