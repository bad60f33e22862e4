"""A map of the national scan, drawn with matplotlib (Agg: no browser, no display).

The boundaries are ONS's 2021 districts as TopoJSON. TopoJSON stores shared borders once as
"arcs", delta-encoded integers on a quantised grid: a point is the running sum of the deltas,
times ``transform.scale`` plus ``transform.translate``. A ring lists arc indexes; a negative
index ``~i`` means arc ``i`` reversed; consecutive arcs share their joining point.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from shareplan.benchmarking.authorities import AuthorityTable
from shareplan.benchmarking.scan import ScanResult

FloatArray = npt.NDArray[np.float64]
ATTRIBUTION = (
    "Boundaries: ONS, contains OS data © Crown copyright and database right 2021. "
    "Spending: MHCLG Revenue Outturn (OGL v3.0). Groupings: mySociety (CC BY 4.0)."
)


def decode_arcs(topology: Mapping[str, Any]) -> list[FloatArray]:
    """Every arc as an ``[m, 2]`` array of longitude, latitude."""
    transform = topology.get("transform")
    arcs: list[FloatArray] = []
    for arc in topology["arcs"]:
        points = np.asarray(arc, dtype=np.float64).reshape(-1, 2)
        if transform:
            points = np.cumsum(points, axis=0)
            points = points * np.asarray(transform["scale"]) + np.asarray(transform["translate"])
        arcs.append(points)
    return arcs


def ring(arcs: Sequence[FloatArray], indexes: Sequence[int]) -> FloatArray:
    parts: list[FloatArray] = []
    for n, index in enumerate(indexes):
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        parts.append(points if n == 0 else points[1:])
    return np.concatenate(parts) if parts else np.zeros((0, 2))


def shapes(topology: Mapping[str, Any], name: str | None = None) -> dict[str, list[FloatArray]]:
    """Area code to its rings (outer and holes alike; fine for drawing filled areas)."""
    arcs = decode_arcs(topology)
    objects = topology["objects"]
    geometries = objects[name or next(iter(objects))]["geometries"]
    out: dict[str, list[FloatArray]] = {}
    for g in geometries:
        code = g.get("properties", {}).get("AREACD") or str(g.get("id", ""))
        polygons = [g["arcs"]] if g["type"] == "Polygon" else g.get("arcs", [])
        if g["type"] not in {"Polygon", "MultiPolygon"}:
            continue
        rings = [ring(arcs, r) for polygon in polygons for r in polygon]
        out.setdefault(code, []).extend(rings)
    return out


def shipped_topology() -> dict[str, Any]:
    raw = resources.files("shareplan.benchmarking").joinpath("data", "lad21_boundaries.topojson.gz")
    loaded: dict[str, Any] = json.loads(gzip.decompress(raw.read_bytes()))
    return loaded


def district_values(
    result: ScanResult, table: AuthorityTable, codes: Sequence[str]
) -> dict[str, float]:
    """Headroom to the best quartile, £ per head a year, summed over service lines, per district.

    In two-tier areas a district shows its own lines plus its county's. A 2021 district that did
    not exist in the scan's year shows the mean of the councils it replaced.
    """
    index = {c: i for i, c in enumerate(result.codes)}
    with np.errstate(invalid="ignore", divide="ignore"):
        per_head = np.nansum(result.headroom_high, axis=0) / result.population
    own = {c: float(per_head[i]) for c, i in index.items() if np.isfinite(per_head[i])}
    predecessors: dict[str, list[str]] = {}
    for a in table.authorities:
        for successor in a.replaced_by:
            if a.code in index:
                predecessors.setdefault(successor, []).append(a.code)
    out: dict[str, float] = {}
    for code in codes:
        if code in own:
            value = own[code]
            found = table.get(code)
            if found is not None and found.county and found.county in own:
                value += own[found.county]
            out[code] = value
        elif code in predecessors:
            values = [own[p] for p in predecessors[code] if p in own]
            if values:
                out[code] = float(np.mean(values))
    return out


def draw_scan_map(
    result: ScanResult,
    table: AuthorityTable,
    out: Path,
    line: str,
    min_score: float = 0.75,
    topology: Mapping[str, Any] | None = None,
) -> Path:
    """Choropleth of headroom per head, with the strongest pairings for ``line`` as links."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.figure import Figure

    geo = shapes(topology or shipped_topology())
    english = [c for c in geo if c.startswith("E")]
    values = district_values(result, table, english)
    fig = Figure(figsize=(8.3, 10.5), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    finite = np.array(list(values.values())) if values else np.zeros(1)
    vmax = float(np.percentile(finite, 95)) if finite.size else 1.0
    polys, colours = [], []
    import matplotlib as mpl

    cmap = mpl.colormaps["YlOrRd"]
    norm = mpl.colors.Normalize(vmin=0.0, vmax=max(vmax, 1.0))
    for code in english:
        colour = cmap(norm(values[code])) if code in values else (0.85, 0.85, 0.85, 1.0)
        for r in geo[code]:
            polys.append(r)
            colours.append(colour)
    ax.add_collection(PolyCollection(polys, facecolors=colours, edgecolors="white", linewidths=0.2))
    segments: list[list[tuple[float, float]]] = []
    if line in result.lines:
        k = result.lines.index(line)
        idx, scores = result.top_partners(k, 1)
        seen: set[tuple[int, int]] = set()
        for i in range(len(result.codes)):
            j, s = int(idx[i, 0]), float(scores[i, 0])
            if not np.isfinite(s) or s < min_score or (min(i, j), max(i, j)) in seen:
                continue
            a, b = table[result.codes[i]], table[result.codes[j]]
            if a.lon is None or a.lat is None or b.lon is None or b.lat is None:
                continue
            seen.add((min(i, j), max(i, j)))
            segments.append([(a.lon, a.lat), (b.lon, b.lat)])
    ax.add_collection(LineCollection(segments, colors="#1d4e89", linewidths=0.9, alpha=0.8))
    ax.set_xlim(-6.5, 2.0)
    ax.set_ylim(49.8, 55.9)
    ax.set_aspect(1 / np.cos(np.radians(53.0)))
    ax.set_axis_off()
    sm = mpl.cm.ScalarMappable(norm=norm, cmap=cmap)
    bar = fig.colorbar(sm, ax=ax, shrink=0.5, pad=0.01)
    bar.set_label("headroom to best quartile, £ per head a year (all lines; indicative)")
    ax.set_title(
        f"Shared-service scan {result.year}: spending gaps, and the strongest "
        f"{line.replace('_', ' ')} pairings (score ≥ {min_score:.2f})",
        fontsize=10,
    )
    fig.text(0.01, 0.01, ATTRIBUTION, fontsize=6, wrap=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".png", dir=out.parent)
    os.close(fd)
    try:
        fig.savefig(tmp, format="png")
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
