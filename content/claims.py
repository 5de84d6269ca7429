"""The one list of what key messages may say WayHome does. No web, DB or routing imports.

A message that talks about the app ("WayHome ...", "the app ...", "safer route ...") may only say things listed
here; `tests/content/test_content_claims.py` finds such sentences, matches each to a claim and checks every claim
against the code. Messages cite the claims they rely on as `claims:<key>` in their sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class FeatureClaim:
    key: str
    wording: re.Pattern[str]  # how a message words the claim
    true_because: str  # what in the product makes it true (checked by the test)


FEATURE_CLAIMS: tuple[FeatureClaim, ...] = (
    FeatureClaim(
        "safer-route-avoids-reported-crime",
        re.compile(
            r"safer (walking )?route\b.*\bsteers? around streets with more reported (crime|violence)", re.I
        ),
        "routing/risk.py weights past police.uk and MPS crime onto streets; the safer route lowers that exposure",
    ),
    FeatureClaim(
        "safer-route-avoids-unlit-after-dark",
        re.compile(r"after dark, streets mapped as unlit", re.I),
        "routing/risk.py adds risk after dark to streets OpenStreetMap tags lit=no",
    ),
    FeatureClaim(
        "places-open-now",
        re.compile(
            r"WayHome shows the places it has been given and whether they are open now, from their listed hours",
            re.I,
        ),
        "GET /api/v1/havens returns open_now from each place's opening_hours; only places staff or the seed added",
    ),
    FeatureClaim(
        "finish-time-alerts",
        re.compile(
            r"WayHome can notify you when your child's school publishes an early or staggered finish", re.I
        ),
        "notices of kind finish_time_change are pushed to subscribers of the school",
    ),
    FeatureClaim(
        "notices-to-families",
        re.compile(r"publish changes through WayHome so families receive a notice", re.I),
        "staff publish notices; the outbox pushes them to the school's subscribers",
    ),
    FeatureClaim(
        "hotspots-steer-routes",
        re.compile(
            r"officers can post notices and hotspots to WayHome; safer routes steer around active hotspots",
            re.I,
        ),
        "officer hotspots add risk to the streets they cover (routing/risk.py hotspot_edges)",
    ),
    FeatureClaim(
        "stale-after-six-months",
        re.compile(r"WayHome flags entries not checked for six months", re.I),
        "havens/admin.py STALE_AFTER is six months; the console lists entries not checked since",
    ),
)
# Sentences that talk about what the app does: each must match one claim above.
APP_SENTENCE_RE = re.compile(
    r"\b(WayHome|the app)\b|\bsafer (walking )?routes?\b.*\b(steers?|avoids?|favou?rs?|keeps?|shows?)\b", re.I
)
# Wording that was found untrue and must not come back.
RETIRED_WORDING: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"favou?rs busier", re.I), "the router has no measure of how busy a street is"),
    (re.compile(r"(app|WayHome) shows which (ones |CitySafe Havens )?(are )?open now", re.I),
     "no CitySafe Havens are loaded until officers add them; say what is shown instead"),
)  # fmt: skip


def claim(key: str) -> FeatureClaim | None:
    return next((c for c in FEATURE_CLAIMS if c.key == key), None)
