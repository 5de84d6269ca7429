"""Settings, read once from the environment at start-up.

Every setting has a safe default for a single machine (SQLite under var/, loopback, all area packs), so
`make run` needs no configuration; deployments set environment variables (see the README's settings table).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PUSH_HOSTS = (
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    "*.notify.windows.com",
    "web.push.apple.com",
    "*.push.apple.com",
)


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _tuple(value: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    if value is None or value.strip() == "":
        return default
    return tuple(part.strip() for part in value.split(",") if part.strip())


# Half the cores (at least one): the share of the machine CPU work may take while the event loop keeps the rest.
HALF_THE_CORES = max(1, (os.cpu_count() or 2) // 2)


def _work_processes(value: str | None) -> int:
    """Unset: half the cores, leaving the event loop and sign-ins a core; "0": threads."""
    if value is None or value.strip() == "":
        return HALF_THE_CORES
    return max(0, int(value))


def load_or_create_secret(var_dir: Path) -> str:
    """A per-installation secret kept in var/secret_key (mode 600), created on first run."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value + "\n")
    path.chmod(0o600)
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str
    var_dir: Path
    secret_key: str
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    areas: tuple[str, ...] = ()
    content_dir: Path = ROOT / "content"
    pwa_dir: Path = ROOT / "pwa"
    push_allowed_hosts: tuple[str, ...] = DEFAULT_PUSH_HOSTS
    vapid_subject: str = "mailto:wayhome@example.invalid"
    auto_migrate: bool = True
    rate_limits_enabled: bool = True
    in_process_worker: bool = True
    redis_url: str | None = None
    tile_url: str | None = None
    max_body_bytes: int = 1_000_000
    max_query_bytes: int = 2_048
    artefacts_dir: Path | None = None
    point_data_max_age_months: int = 24  # police.uk points older than this stay out of the default surface
    partnership_data_sharing: bool = False  # ISTV / ambulance / transport layers may enter the surface
    trusted_proxies: tuple[str, ...] = ()  # i13a: CIDRs whose X-Forwarded-For is believed
    push_allow_loopback: bool = False  # i13a: loopback push endpoints, for local testing (web and worker)
    totp_officers_optional: bool = False  # i13b: second factor optional for officers (docs/DPIA.md)
    # route prefix -> (requests, window in seconds), overriding the built-in public rate limits
    rate_limits: dict[str, tuple[int, int]] = field(default_factory=dict)
    audit_loopback_ports: tuple[
        int, ...
    ] = ()  # loopback ports the website audit may fetch (local testing only)
    osm_downloads: bool = True  # the console's street download may reach OpenStreetMap (off in tests)
    policeuk_api: str = "https://data.police.uk/api"  # a mirror or a test server; fetched through outbound/
    policeuk_allow_loopback: bool = False  # tests and local mirrors only: the API's own loopback port
    policeuk_refresh_days: int = 0  # the worker's scheduled police.uk fetch; 0 = off (README)
    policeuk_refresh_months: int = 3  # how many of police.uk's newest months each run looks at
    work_processes: int = 0  # route searches in this many processes per web worker; 0 = in threads (README)

    @property
    def build_dir(self) -> Path:
        """Where built artefacts (street graph arrays) live; WAYHOME_BUILD_DIR lets several installs share them."""
        return self.artefacts_dir or self.var_dir / "build"

    @property
    def areas_dir(self) -> Path:
        return self.content_dir / "areas"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        e = dict(os.environ if env is None else env)
        var_dir = Path(overrides.pop("var_dir", None) or e.get("WAYHOME_VAR_DIR") or ROOT / "var").resolve()
        database_url = e.get("DATABASE_URL") or f"sqlite://{var_dir / 'wayhome.sqlite3'}"
        if database_url.startswith("postgresql://"):
            database_url = "postgres://" + database_url.removeprefix("postgresql://")
        secret = (
            e.get("WAYHOME_SECRET_KEY") or overrides.pop("secret_key", None) or load_or_create_secret(var_dir)
        )
        values: dict[str, Any] = dict(
            database_url=database_url,
            var_dir=var_dir,
            secret_key=secret,
            host=e.get("WAYHOME_HOST", "127.0.0.1"),
            port=int(e.get("PORT") or e.get("WAYHOME_PORT") or 8000),
            log_level=e.get("WAYHOME_LOG_LEVEL", "INFO").upper(),
            areas=_tuple(e.get("WAYHOME_AREAS"), ()),
            push_allowed_hosts=_tuple(e.get("WAYHOME_PUSH_ALLOWED_HOSTS"), DEFAULT_PUSH_HOSTS),
            vapid_subject=e.get("WAYHOME_VAPID_SUBJECT", "mailto:wayhome@example.invalid"),
            auto_migrate=_bool(e.get("WAYHOME_AUTO_MIGRATE"), True),
            rate_limits_enabled=_bool(e.get("WAYHOME_RATE_LIMITS"), True),
            in_process_worker=_bool(e.get("WAYHOME_IN_PROCESS_WORKER"), True),
            redis_url=e.get("WAYHOME_REDIS_URL") or None,
            tile_url=e.get("WAYHOME_TILE_URL") or None,
            artefacts_dir=Path(e["WAYHOME_BUILD_DIR"]).resolve() if e.get("WAYHOME_BUILD_DIR") else None,
            point_data_max_age_months=int(e.get("WAYHOME_POINT_DATA_MAX_AGE_MONTHS") or 24),
            partnership_data_sharing=_bool(e.get("WAYHOME_DATA_SHARING"), False),
            trusted_proxies=_tuple(e.get("WAYHOME_TRUSTED_PROXIES"), ()),
            push_allow_loopback=_bool(e.get("WAYHOME_PUSH_ALLOW_LOOPBACK"), False),
            totp_officers_optional=_bool(e.get("WAYHOME_TOTP_OFFICERS_OPTIONAL"), False),
            audit_loopback_ports=tuple(int(p) for p in _tuple(e.get("WAYHOME_AUDIT_LOOPBACK_PORTS"), ())),
            osm_downloads=_bool(e.get("WAYHOME_OSM_DOWNLOADS"), True),
            policeuk_api=(e.get("WAYHOME_POLICEUK_API") or "https://data.police.uk/api").rstrip("/"),
            policeuk_allow_loopback=_bool(e.get("WAYHOME_POLICEUK_ALLOW_LOOPBACK"), False),
            policeuk_refresh_days=int(e.get("WAYHOME_POLICEUK_REFRESH_DAYS") or 0),
            policeuk_refresh_months=int(e.get("WAYHOME_POLICEUK_REFRESH_MONTHS") or 3),
            work_processes=_work_processes(e.get("WAYHOME_WORK_PROCESSES")),
        )
        values.update(overrides)
        return cls(**values)

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)
