"""Size of each area's offline gazetteer (schools + postcodes) as the phone downloads and keeps it.

Prints KiB raw and gzip-compressed (the server gzips responses), and the ratio to a same-run baseline: the same
records as plain JSON objects ({"postcode": ..., "lat": ..., "lon": ...}). Run: `python -m bench.gazetteer_size`.
"""

from __future__ import annotations

import gzip
import json

from content.areas import load_all_areas
from content.offline_gazetteer import compact_gazetteer


def _kib(data: bytes) -> float:
    return len(data) / 1024


def main() -> None:
    print("area               records  compact KiB  gzip KiB  baseline KiB  baseline gzip KiB  gzip ratio")
    for slug, pack in sorted(load_all_areas().items()):
        compact = json.dumps(compact_gazetteer(pack), separators=(",", ":"), ensure_ascii=False).encode()
        plain = {
            "schools": [
                {
                    "urn": s.urn,
                    "name": s.name,
                    "postcode": s.postcode,
                    "phase": s.phase,
                    "lat": s.lat,
                    "lon": s.lon,
                }
                for s in pack.schools
            ],
            "postcodes": [
                {"postcode": p.postcode, "lat": p.lat, "lon": p.lon} for p in pack.postcodes.values()
            ],
        }
        baseline = json.dumps(plain, ensure_ascii=False).encode()
        records = len(pack.schools) + len(pack.postcodes)
        gz, base_gz = gzip.compress(compact, 6), gzip.compress(baseline, 6)
        print(
            f"{slug:<18} {records:>7}  {_kib(compact):>11.1f}  {_kib(gz):>8.1f}  {_kib(baseline):>12.1f}"
            f"  {_kib(base_gz):>17.1f}  {len(base_gz) / len(gz):>9.2f}x"
        )


if __name__ == "__main__":
    main()
