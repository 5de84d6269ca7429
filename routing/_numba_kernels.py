"""numba kernels: binary-heap A* and Dijkstra tree over CSR arrays (compiled once, cached on disk).

Each edge is relaxed at most once (its source is settled once), so a heap of m+1 slots never overflows.
"""
# mypy: ignore-errors

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def _push(hk, hv, size, key, val):
    i = size
    hk[i] = key
    hv[i] = val
    while i > 0:
        p = (i - 1) >> 1
        if hk[p] <= hk[i]:
            break
        hk[p], hk[i] = hk[i], hk[p]
        hv[p], hv[i] = hv[i], hv[p]
        i = p
    return size + 1


@njit(cache=True, inline="always")
def _pop(hk, hv, size):
    key = hk[0]
    val = hv[0]
    size -= 1
    hk[0] = hk[size]
    hv[0] = hv[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        c = left
        if left + 1 < size and hk[left + 1] < hk[left]:
            c = left + 1
        if hk[i] <= hk[c]:
            break
        hk[c], hk[i] = hk[i], hk[c]
        hv[c], hv[i] = hv[i], hv[c]
        i = c
    return key, val, size


@njit(cache=True, nogil=True)
def astar(indptr, indices, cost, x, y, src, dst, hscale):
    n = x.shape[0]
    m = indices.shape[0]
    g = np.full(n, np.inf)
    pred = np.full(n, -1, np.int64)
    closed = np.zeros(n, np.bool_)
    hk = np.empty(m + 1, np.float64)
    hv = np.empty(m + 1, np.int64)
    tx = x[dst]
    ty = y[dst]
    g[src] = 0.0
    size = _push(hk, hv, 0, hscale * np.hypot(x[src] - tx, y[src] - ty), src)
    while size > 0:
        _, u, size = _pop(hk, hv, size)
        if closed[u]:
            continue
        if u == dst:
            break
        closed[u] = True
        gu = g[u]
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if closed[v]:
                continue
            nd = gu + cost[e]
            if nd < g[v]:
                g[v] = nd
                pred[v] = e
                size = _push(hk, hv, size, nd + hscale * np.hypot(x[v] - tx, y[v] - ty), v)
    if not np.isfinite(g[dst]):
        return np.inf, np.empty(0, np.int64)
    count = 0
    node = dst
    while node != src:
        e = pred[node]
        count += 1
        # source of e: binary search in indptr
        lo = 0
        hi = n
        while hi - lo > 1:
            mid = (lo + hi) >> 1
            if indptr[mid] <= e:
                lo = mid
            else:
                hi = mid
        node = lo
    edges = np.empty(count, np.int64)
    node = dst
    i = count - 1
    while node != src:
        e = pred[node]
        edges[i] = e
        i -= 1
        lo = 0
        hi = n
        while hi - lo > 1:
            mid = (lo + hi) >> 1
            if indptr[mid] <= e:
                lo = mid
            else:
                hi = mid
        node = lo
    return g[dst], edges


@njit(cache=True, nogil=True)
def dijkstra_tree(indptr, indices, cost, src, limit):
    n = indptr.shape[0] - 1
    m = indices.shape[0]
    g = np.full(n, np.inf)
    pred = np.full(n, -1, np.int64)
    closed = np.zeros(n, np.bool_)
    hk = np.empty(m + 1, np.float64)
    hv = np.empty(m + 1, np.int64)
    g[src] = 0.0
    size = _push(hk, hv, 0, 0.0, src)
    while size > 0:
        du, u, size = _pop(hk, hv, size)
        if closed[u]:
            continue
        if du > limit:
            break
        closed[u] = True
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            nd = du + cost[e]
            if nd < g[v] and nd <= limit:
                g[v] = nd
                pred[v] = e
                size = _push(hk, hv, size, nd, v)
    return g, pred


@njit(cache=True, inline="always")
def _edge_source(indptr, e):
    lo = 0
    hi = indptr.shape[0] - 1
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if indptr[mid] <= e:
            lo = mid
        else:
            hi = mid
    return lo


@njit(cache=True, inline="always")
def _alt_h(fwd, bwd, v, ft, bt):
    """ALT lower bound on d(v, t): triangle inequality against every landmark (inf when t is unreachable).

    Tables are float32: each stored value is within 2**-24 (relative) of the true one, so the bound subtracts
    that margin for both operands and stays a true lower bound.
    """
    best = 0.0
    for j in range(ft.shape[0]):
        a = np.float64(bwd[v, j])
        b = bt[j]
        if b < np.inf:
            if a == np.inf:
                return np.inf  # t reaches landmark j but v does not: v cannot reach t
            d = a - b - (a + b) * 1.2e-7
            if d > best:
                best = d
        c = ft[j]
        a = np.float64(fwd[v, j])
        if a < np.inf:
            if c == np.inf:
                return np.inf  # landmark j reaches v but not t: v cannot reach t
            d = c - a - (a + c) * 1.2e-7
            if d > best:
                best = d
    return best


@njit(cache=True, nogil=True)
def alt_astar(indptr, indices, cost, fwd, bwd, src, dst, scale):
    """A* whose heuristic is `scale` x the ALT bound of a landmark metric that is <= cost on every edge."""
    n = indptr.shape[0] - 1
    m = indices.shape[0]
    g = np.full(n, np.inf)
    pred = np.full(n, -1, np.int64)
    closed = np.zeros(n, np.bool_)
    hk = np.empty(m + 1, np.float64)
    hv = np.empty(m + 1, np.int64)
    ft = fwd[dst].astype(np.float64)
    bt = bwd[dst].astype(np.float64)
    hc = np.full(n, -1.0)  # heuristic per node, computed once
    h0 = _alt_h(fwd, bwd, src, ft, bt)
    if h0 == np.inf:
        return np.inf, np.empty(0, np.int64)
    g[src] = 0.0
    size = _push(hk, hv, 0, scale * h0, src)
    while size > 0:
        _, u, size = _pop(hk, hv, size)
        if closed[u]:
            continue
        if u == dst:
            break
        closed[u] = True
        gu = g[u]
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if closed[v]:
                continue
            nd = gu + cost[e]
            if nd < g[v]:
                hvv = hc[v]
                if hvv < 0.0:
                    hvv = _alt_h(fwd, bwd, v, ft, bt)
                    hc[v] = hvv
                if hvv == np.inf:
                    continue
                g[v] = nd
                pred[v] = e
                size = _push(hk, hv, size, nd + scale * hvv, v)
    if not np.isfinite(g[dst]):
        return np.inf, np.empty(0, np.int64)
    count = 0
    node = dst
    while node != src:
        count += 1
        node = _edge_source(indptr, pred[node])
    edges = np.empty(count, np.int64)
    node = dst
    i = count - 1
    while node != src:
        edges[i] = pred[node]
        i -= 1
        node = _edge_source(indptr, pred[node])
    return g[dst], edges
