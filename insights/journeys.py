"""Per-school journeys: one shortest-path tree per school and risk weight, the router's safer-route choice for
every home at once, and expected pupil flows per street segment per 5-minute window.

A school is a fixed origin, so each of its trees gives the route to every home: pupils bound for homes in a
subtree all walk the edge above it, at the same distance from the school. Flows are subtree sums, not one
search per postcode.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve_triangular

from insights.parameters import PARAMETERS, ModelParameters
from routing.graph import FloatArray, IntArray, StreetGraph
from routing.router import MIN_SAVING_PCT, SAFER_ALPHAS, DetourCap, Router

WEIGHTS = (0.0, *SAFER_ALPHAS)  # 0 = the shortest route


@dataclass(frozen=True)
class Tree:
    """One school's tree for one risk weight: parent edge, walked length and exposure to every node."""

    pred: IntArray  # parent edge per node, -1 at the root and where unreachable
    order: IntArray  # reachable nodes, root first, each after its parent
    length_m: FloatArray  # walked length along the tree (inf where unreachable)
    exposure: FloatArray  # sum of length x risk along the tree


@dataclass
class SchoolTrees:
    node: int
    trees: tuple[Tree, ...]  # one per WEIGHTS entry
    choice: IntArray  # index into WEIGHTS of the safer route the router would give to each node

    @property
    def walk_m(self) -> FloatArray:
        """Shortest walking distance from the school to every node."""
        return self.trees[0].length_m


def _accumulate_down(
    graph: StreetGraph, sources: IntArray, pred: IntArray, order: IntArray, step: FloatArray
) -> FloatArray:
    """value[v] = value[parent(v)] + step[pred[v]] along the tree (one sparse triangular solve)."""
    n = graph.n_nodes
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(len(order))
    child = order[1:]
    parent = sources[pred[child]]
    m = len(order)
    # (I - P) x = b in topological order: x[rank[v]] - x[rank[parent]] = step
    mat = sp.csr_matrix(
        (
            np.concatenate([np.ones(m), -np.ones(len(child))]),
            (np.concatenate([np.arange(m), rank[child]]), np.concatenate([np.arange(m), rank[parent]])),
        ),
        shape=(m, m),
    )
    rhs = np.zeros(m)
    rhs[rank[child]] = step[pred[child]]
    x = spsolve_triangular(mat, rhs, lower=True)
    out = np.full(n, np.inf)
    out[order] = x
    return out


def subtree_sums(graph: StreetGraph, sources: IntArray, tree: Tree, weight: FloatArray) -> FloatArray:
    """Per edge: the total weight of the nodes below it in the tree (pupils walking that edge)."""
    n = graph.n_nodes
    order = tree.order
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(len(order))
    child = order[1:]
    parent = sources[tree.pred[child]]
    m = len(order)
    # (I - P^T) acc = w: acc[v] = w[v] + sum of acc over v's children (upper triangular in topological order)
    mat = sp.csr_matrix(
        (
            np.concatenate([np.ones(m), -np.ones(len(child))]),
            (np.concatenate([np.arange(m), rank[parent]]), np.concatenate([np.arange(m), rank[child]])),
        ),
        shape=(m, m),
    )
    acc = spsolve_triangular(mat, weight[order], lower=False)
    flow = np.zeros(graph.n_edges)
    flow[tree.pred[child]] = acc[rank[child]]
    return flow


def school_trees(router: Router, *, node: int, risk: FloatArray, cap: DetourCap | None = None) -> SchoolTrees:
    """Trees for the shortest route and each safer weight, and the router's safer choice for every home."""
    graph, sources = router.graph, router.sources
    trees = []
    for alpha in WEIGHTS:
        cost = graph.length_m * (1.0 + alpha * risk) if alpha else graph.length_m
        dist, pred_raw = router.engine.tree(cost, node)
        pred = np.asarray(pred_raw, dtype=np.int64)
        reach = np.flatnonzero(np.isfinite(dist))
        order = reach[np.argsort(dist[reach], kind="stable")]
        pred[node] = -1
        length = _accumulate_down(graph, sources, pred, order, graph.length_m)
        exposure = _accumulate_down(graph, sources, pred, order, graph.length_m * risk)
        trees.append(Tree(pred=pred, order=order, length_m=length, exposure=exposure))
    return SchoolTrees(node=node, trees=tuple(trees), choice=safer_choice(trees, cap or DetourCap()))


def safer_choice(trees: list[Tree], cap: DetourCap) -> IntArray:
    """The same search as Router.solve, for every node at once: the largest risk weight whose route fits the
    detour cap (binary search over SAFER_ALPHAS), kept only when it saves at least MIN_SAVING_PCT exposure."""
    short_len, short_exp = trees[0].length_m, trees[0].exposure
    with np.errstate(invalid="ignore"):
        allowed = short_len + np.minimum(short_len * cap.max_pct / 100.0, cap.max_m) + 1e-6
    best = np.zeros(len(short_len), dtype=np.int64)
    best_exp = short_exp.copy()
    lo = np.zeros(len(short_len), dtype=np.int64)
    hi = np.full(len(short_len), len(SAFER_ALPHAS) - 1)
    for _ in range(len(SAFER_ALPHAS)):
        active = lo <= hi
        if not active.any():
            break
        mid = (lo + hi) // 2
        length = np.choose(mid, [t.length_m for t in trees[1:]])
        exp = np.choose(mid, [t.exposure for t in trees[1:]])
        fits = active & (length <= allowed)
        better = fits & (exp < best_exp)
        best = np.where(better, mid + 1, best)
        best_exp = np.where(better, exp, best_exp)
        lo = np.where(fits, mid + 1, lo)
        hi = np.where(active & ~fits, mid - 1, hi)
    with np.errstate(invalid="ignore", divide="ignore"):
        saved_pct = np.where(short_exp > 0, 100.0 * (short_exp - best_exp) / short_exp, 0.0)
    return np.where(saved_pct >= MIN_SAVING_PCT, best, 0)


@dataclass(frozen=True)
class Segments:
    """Undirected street segments: both directions of a street between two junctions count together."""

    of_edge: IntArray  # segment id per directed edge
    first_edge: IntArray  # one representative directed edge per segment

    @property
    def count(self) -> int:
        return len(self.first_edge)


def segments_of(router: Router) -> Segments:
    src = router.sources
    dst = router.graph.indices.astype(np.int64)
    key = np.minimum(src, dst) * router.graph.n_nodes + np.maximum(src, dst)
    _uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return Segments(of_edge=inverse.astype(np.int64), first_edge=first.astype(np.int64))


@dataclass(frozen=True)
class Cohort:
    """Pupils of one school leaving at one time (a staggered group, or the whole school)."""

    finish: dt.datetime
    share: float  # of the school's walking pupils


@dataclass(frozen=True)
class WindowGrid:
    start: dt.datetime
    count: int
    window_s: int

    def at(self, k: int) -> dt.datetime:
        return self.start + dt.timedelta(seconds=k * self.window_s)

    def index(self, when: dt.datetime) -> float:
        return (when - self.start).total_seconds() / self.window_s


def school_flows(
    router: Router,
    *,
    trees: SchoolTrees,
    segments: Segments,
    home_weight: FloatArray,
    cohorts: list[Cohort],
    grid: WindowGrid,
    params: ModelParameters = PARAMETERS,
) -> tuple[IntArray, FloatArray]:
    """(segment ids, expected pupils passing each of them in each window), for one school's walking pupils.

    `home_weight` is pupils per graph node (homes snapped to streets). A pupil leaving at t passes an edge at
    t + (distance to its middle) / speed; leaving times are spread evenly over `leave_spread_s`.
    """
    graph, sources = router.graph, router.sources
    seg_ids: list[IntArray] = []
    values: list[FloatArray] = []
    for index, tree in enumerate(trees.trees):
        weight = np.where(trees.choice == index, home_weight, 0.0)
        if not weight.any():
            continue
        flow = subtree_sums(graph, sources, tree, weight)
        edges = np.flatnonzero(flow > 1e-9)
        mid_m = tree.length_m[sources[edges]] + graph.length_m[edges] / 2.0
        offset_s = mid_m / params.walk_speed_mps
        per_window = np.zeros((len(edges), grid.count))
        for cohort in cohorts:
            a = (cohort.finish - grid.start).total_seconds() + offset_s  # first leaver passes
            spread = float(params.leave_spread_s)
            first = np.floor(a / grid.window_s).astype(np.int64)
            for j in range(int(np.ceil(spread / grid.window_s)) + 1):
                k = first + j
                lo = np.maximum(a, k * grid.window_s)
                hi = np.minimum(a + spread, (k + 1) * grid.window_s)
                frac = np.clip(hi - lo, 0.0, None) / spread
                ok = (k >= 0) & (k < grid.count) & (frac > 0)
                np.add.at(per_window, (np.flatnonzero(ok), k[ok]), cohort.share * flow[edges[ok]] * frac[ok])
        seg_ids.append(segments.of_edge[edges])
        values.append(per_window)
    if not seg_ids:
        return np.empty(0, dtype=np.int64), np.zeros((0, grid.count))
    all_ids = np.concatenate(seg_ids)
    uniq, inverse = np.unique(all_ids, return_inverse=True)
    out = np.zeros((len(uniq), grid.count))
    np.add.at(out, inverse, np.vstack(values))
    return uniq.astype(np.int64), out
