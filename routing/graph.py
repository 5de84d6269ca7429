"""Walking street graph: built once with osmnx, then frozen to compact numpy arrays.

osmnx/networkx are the modelling layer only; the request path loads the frozen `StreetGraph` (.npz, CSR)
in milliseconds and never touches networkx.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
Int8Array = npt.NDArray[np.int8]

PROJECTED_CRS = "EPSG:27700"
EXTRA_WAY_TAGS = ("lit", "footway", "sidewalk", "foot", "service", "access")

# Ways a person cannot (or must not) walk along.
EXCLUDED_HIGHWAYS = frozenset(
    {
        "motorway",
        "motorway_link",
        "abandoned",
        "bus_guideway",
        "busway",
        "construction",
        "proposed",
        "planned",
        "raceway",
        "razed",
        "platform",
        "elevator",
        "escalator",
        "no",
        "disused",
        "motorway_junction",
    }
)
PRIVATE_ACCESS = frozenset({"private", "no"})
FOOT_ALLOWED = frozenset({"yes", "designated", "permissive"})

# Lighting codes stored per edge.
LIT_UNKNOWN, LIT_YES, LIT_NO, LIT_LIMITED = 0, 1, 2, 3
_LIT_VALUES = {
    "yes": LIT_YES,
    "24/7": LIT_YES,
    "automatic": LIT_YES,
    "sunset-sunrise": LIT_YES,
    "dusk-dawn": LIT_YES,
    "no": LIT_NO,
    "disused": LIT_NO,
    "limited": LIT_LIMITED,
    "interval": LIT_LIMITED,
}


def _as_list(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def lit_code(value: Any) -> int:
    """Worst lighting among merged ways (a street is only as lit as its darkest part)."""
    codes = [_LIT_VALUES.get(v.strip().lower(), LIT_UNKNOWN) for v in _as_list(value)]
    if not codes:
        return LIT_UNKNOWN
    for worst in (LIT_NO, LIT_LIMITED, LIT_UNKNOWN):
        if worst in codes:
            return worst
    return LIT_YES


def is_walkable(data: dict[str, Any]) -> bool:
    """Walkable-way rule applied to each (possibly merged) edge."""
    highways = _as_list(data.get("highway"))
    if not highways or all(h in EXCLUDED_HIGHWAYS for h in highways):
        return False
    foot = {v.lower() for v in _as_list(data.get("foot"))}
    if foot and foot <= {"no"}:
        return False
    access = {v.lower() for v in _as_list(data.get("access"))}
    if access and access <= PRIVATE_ACCESS and not (foot & FOOT_ALLOWED):
        return False
    service = {v.lower() for v in _as_list(data.get("service"))}
    if service and service <= {"private"} and not (foot & FOOT_ALLOWED):
        return False
    return data.get("area") not in ("yes", ["yes"])


@dataclass(frozen=True)
class StreetGraph:
    """Directed walking graph in CSR form; coordinates in EPSG:27700 metres and WGS84."""

    node_x: FloatArray
    node_y: FloatArray
    node_lat: FloatArray
    node_lon: FloatArray
    indptr: IntArray  # (n+1,) CSR row pointers over edges sorted by source
    indices: Int32Array  # (e,) target node of each edge
    length_m: FloatArray  # (e,)
    geom_offsets: IntArray  # (e+1,) slice into geom_lat/geom_lon per edge, source -> target order
    geom_lat: FloatArray
    geom_lon: FloatArray
    name_idx: Int32Array  # (e,) index into names, -1 when unnamed
    names: tuple[str, ...]
    lit: Int8Array  # (e,) LIT_* codes
    highway_idx: Int32Array
    highways: tuple[str, ...]

    @property
    def n_nodes(self) -> int:
        return int(self.node_x.shape[0])

    @property
    def n_edges(self) -> int:
        return int(self.indices.shape[0])

    def edge_sources(self) -> Int32Array:
        return np.repeat(np.arange(self.n_nodes, dtype=np.int32), np.diff(self.indptr))

    def edge_xy_midpoints(self) -> tuple[FloatArray, FloatArray]:
        src = self.edge_sources()
        return (
            (self.node_x[src] + self.node_x[self.indices]) / 2.0,
            (self.node_y[src] + self.node_y[self.indices]) / 2.0,
        )

    def find_edge(self, u: int, v: int) -> int:
        row = self.indices[self.indptr[u] : self.indptr[u + 1]]
        hits = np.nonzero(row == v)[0]
        if hits.size == 0:
            raise KeyError((u, v))
        return int(self.indptr[u] + hits[0])

    def save(self, path: Path) -> None:
        """Write the arrays to one .npz (names as JSON), atomically."""
        arrays = {k: getattr(self, k) for k in _ARRAY_FIELDS}
        meta = json.dumps({"names": list(self.names), "highways": list(self.highways)})
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, meta=np.frombuffer(meta.encode("utf-8"), dtype=np.uint8), **arrays)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> StreetGraph:
        with np.load(path) as data:
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            arrays = {k: data[k] for k in _ARRAY_FIELDS}
        return cls(names=tuple(meta["names"]), highways=tuple(meta["highways"]), **arrays)


_ARRAY_FIELDS = (
    "node_x",
    "node_y",
    "node_lat",
    "node_lon",
    "indptr",
    "indices",
    "length_m",
    "geom_offsets",
    "geom_lat",
    "geom_lon",
    "name_idx",
    "lit",
    "highway_idx",
)


def configure_osmnx() -> None:
    """Keep the tags routing needs (osmnx drops `lit` and friends by default)."""
    import osmnx as ox

    tags = list(ox.settings.useful_tags_way)
    for tag in EXTRA_WAY_TAGS:
        if tag not in tags:
            tags.append(tag)
    ox.settings.useful_tags_way = tags
    ox.settings.log_console = False


def graph_from_osm_files(paths: Sequence[Path]) -> Any:
    """Walking MultiDiGraph (unprojected) from OSM XML (.osm, .osm.bz2) or osmnx GraphML (a download) files."""
    import networkx as nx
    import osmnx as ox

    configure_osmnx()
    graphs = [
        ox.load_graphml(p)
        if p.suffix == ".graphml"
        else ox.graph_from_xml(p, bidirectional=True, simplify=True, retain_all=True)
        for p in paths
    ]
    graph = graphs[0] if len(graphs) == 1 else nx.compose_all(graphs)
    return walkable_component(graph)


def walkable_component(graph: Any) -> Any:
    """Drop non-walkable edges and keep the largest strongly connected component."""
    import osmnx as ox

    drop = [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if not is_walkable(d)]
    graph = graph.copy()
    graph.remove_edges_from(drop)
    graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
    return ox.truncate.largest_component(graph, strongly=True)


def freeze(graph: Any) -> StreetGraph:
    """Unprojected osmnx MultiDiGraph -> StreetGraph; parallel edges collapsed by minimum length."""
    from pyproj import Transformer

    nodes = sorted(graph.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    lat = np.array([graph.nodes[n]["y"] for n in nodes], dtype=np.float64)
    lon = np.array([graph.nodes[n]["x"] for n in nodes], dtype=np.float64)
    to_bng = Transformer.from_crs("EPSG:4326", PROJECTED_CRS, always_xy=True)
    x, y = to_bng.transform(lon, lat)

    best: dict[tuple[int, int], dict[str, Any]] = {}
    for u, v, data in graph.edges(data=True):
        key = (index[u], index[v])
        if key[0] == key[1]:
            continue
        if key not in best or float(data["length"]) < float(best[key]["length"]):
            best[key] = data
    keys = sorted(best)
    names: dict[str, int] = {}
    highways: dict[str, int] = {}
    src = np.array([k[0] for k in keys], dtype=np.int64)
    dst = np.array([k[1] for k in keys], dtype=np.int32)
    length = np.empty(len(keys), dtype=np.float64)
    name_idx = np.full(len(keys), -1, dtype=np.int32)
    lit = np.zeros(len(keys), dtype=np.int8)
    hw_idx = np.zeros(len(keys), dtype=np.int32)
    offsets = [0]
    g_lat: list[float] = []
    g_lon: list[float] = []
    for i, key in enumerate(keys):
        data = best[key]
        u, v = key
        length[i] = float(data["length"])
        street = _as_list(data.get("name"))
        if street:
            name_idx[i] = names.setdefault(street[0], len(names))
        hw = _as_list(data.get("highway"))
        hw_idx[i] = highways.setdefault(hw[0] if hw else "unknown", len(highways))
        lit[i] = lit_code(data.get("lit"))
        geom = data.get("geometry")
        if geom is None:
            pts: Iterable[tuple[float, float]] = [(lon[u], lat[u]), (lon[v], lat[v])]
        else:
            coords = list(geom.coords)
            # osmnx stores geometry in u->v order; make sure it starts at u.
            if _sqdist(coords[0], (lon[u], lat[u])) > _sqdist(coords[-1], (lon[u], lat[u])):
                coords.reverse()
            pts = coords
        for px, py in pts:
            g_lon.append(float(px))
            g_lat.append(float(py))
        offsets.append(len(g_lat))
    indptr = np.zeros(len(nodes) + 1, dtype=np.int64)
    np.add.at(indptr, src + 1, 1)
    indptr = np.cumsum(indptr)
    return StreetGraph(
        node_x=np.asarray(x, dtype=np.float64),
        node_y=np.asarray(y, dtype=np.float64),
        node_lat=lat,
        node_lon=lon,
        indptr=indptr,
        indices=dst,
        length_m=length,
        geom_offsets=np.asarray(offsets, dtype=np.int64),
        geom_lat=np.asarray(g_lat, dtype=np.float64),
        geom_lon=np.asarray(g_lon, dtype=np.float64),
        name_idx=name_idx,
        names=tuple(sorted(names, key=names.__getitem__)),
        lit=lit,
        highway_idx=hw_idx,
        highways=tuple(sorted(highways, key=highways.__getitem__)),
    )


def _sqdist(a: Sequence[float], b: Sequence[float]) -> float:
    return float((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2)


def to_networkx(graph: StreetGraph, cost: FloatArray | None = None) -> Any:
    """DiGraph view of the frozen graph (for tests and the osmnx baseline), weight attribute `w`."""
    import networkx as nx

    weights = graph.length_m if cost is None else cost
    g = nx.DiGraph()
    g.add_nodes_from(range(graph.n_nodes))
    src = graph.edge_sources()
    g.add_weighted_edges_from(
        zip(src.tolist(), graph.indices.tolist(), weights.tolist(), strict=True), weight="w"
    )
    return g
