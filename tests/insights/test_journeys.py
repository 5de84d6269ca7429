"""Journeys: the per-school trees give the same safer route the router gives, and flows add up."""

from __future__ import annotations

import numpy as np

from content.areas import AreaPack
from insights.analysis import Analysis
from insights.journeys import WEIGHTS, school_trees, subtree_sums
from insights.population import Homes, fit_decay_m
from routing.engine import edges_from_tree
from routing.router import Router
from tests.insights.conftest import at


def test_tree_routes_are_the_routers_safer_routes(router: Router, pack: AreaPack) -> None:
    school = pack.school("137531")  # Alexandra Park School
    assert school is not None
    when = at("15:00")
    node, _ = router.snap(school.lat, school.lon)
    trees = school_trees(router, node=node, risk=router.risk_for(when))
    postcodes = list(pack.postcodes.values())[::97][:20]
    checked = 0
    for pc in postcodes:
        dst, snap_m = router.snap(pc.lat, pc.lon)
        if snap_m > 200 or dst == node:
            continue
        _, parts, _ = router.solve(
            from_lat=float(router.graph.node_lat[node]), from_lon=float(router.graph.node_lon[node]),
            to_lat=float(router.graph.node_lat[dst]), to_lon=float(router.graph.node_lon[dst]), at=when,
        )  # fmt: skip
        safer_m = float(router.graph.length_m[parts[1][1]].sum())
        tree = trees.trees[int(trees.choice[dst])]
        assert abs(tree.length_m[dst] - safer_m) < 0.5, (pc.postcode, WEIGHTS[int(trees.choice[dst])])
        checked += 1
    assert checked >= 10
    assert (trees.choice > 0).any(), "some homes get a safer route that differs from the shortest"


def test_subtree_sums_equal_walking_every_route(router: Router, pack: AreaPack) -> None:
    school = pack.school("139362")
    assert school is not None
    node, _ = router.snap(school.lat, school.lon)
    trees = school_trees(router, node=node, risk=router.risk_for(at("15:10")))
    tree = trees.trees[2]
    rng = np.random.default_rng(7)
    reachable = tree.order[1:]
    dests = rng.choice(reachable, size=40, replace=False)
    weight = np.zeros(router.graph.n_nodes)
    weight[dests] = rng.integers(1, 30, size=len(dests))
    expected = np.zeros(router.graph.n_edges)
    for d in dests:
        expected[edges_from_tree(tree.pred, router.sources, int(d), node)] += weight[d]
    assert np.allclose(subtree_sums(router.graph, router.sources, tree, weight), expected)


def test_each_school_sends_its_walking_pupils_through_the_windows(analysis: Analysis) -> None:
    for flow, homes in zip(analysis.flows, analysis.homes, strict=True):
        assert homes.walking_pupils > 100
        # every pupil passes the school's busiest street exactly once, spread over windows
        busiest = flow.flow.sum(axis=1).max()
        assert 0.2 * homes.walking_pupils < busiest <= homes.walking_pupils + 1e-6


def test_distance_decay_is_fitted_to_the_stated_typical_walk(homes: Homes) -> None:
    distance = np.linspace(50, 3000, 400)
    d0 = fit_decay_m(distance, typical_m=1200)
    w = np.exp(-(distance - distance.min()) / d0)
    assert abs(float(np.sum(w * distance) / np.sum(w)) - 1200) < 1.0
