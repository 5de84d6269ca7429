"""VAPID keys (RFC 8292): one P-256 key pair per deployment, kept in var/ or given by a secret store."""

from __future__ import annotations

import base64
import logging
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

log = logging.getLogger("wayhome.alerts.vapid")

KEY_FILE = "vapid_private.pem"
ENV_PRIVATE_KEY = "WAYHOME_VAPID_PRIVATE_KEY"
CLAIM_LIFETIME_S = 12 * 3600  # RFC 8292 caps exp at 24 h; renew well before
RENEW_MARGIN_S = 3600


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_key_b64(vapid: Vapid02) -> str:
    """The applicationServerKey the browser needs: base64url of the uncompressed P-256 point."""
    raw = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(raw)


def new_private_pem() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def write_key_file(*, var_dir: Path, force: bool = False) -> Path:
    """Create var/vapid_private.pem (0600); never replaces a key unless forced (subscriptions need it)."""
    path = Path(var_dir) / KEY_FILE
    if path.exists() and not force:
        raise FileExistsError(f"{path} exists; replacing it invalidates every browser subscription")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(new_private_pem())
    try:
        if force:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # atomic and never overwrites: with several web workers, the first key wins
    finally:
        tmp.unlink(missing_ok=True)
    return path


def load_or_create(*, var_dir: Path) -> Vapid02:
    """Key from the environment (secret store) if set, else var/; created on first run if missing."""
    env_pem = os.environ.get(ENV_PRIVATE_KEY, "").strip()
    if env_pem:
        return Vapid02.from_pem(env_pem.replace("\\n", "\n").encode())
    path = Path(var_dir) / KEY_FILE
    if not path.exists():
        try:
            write_key_file(var_dir=var_dir)
            log.info("created a new VAPID key in var/")
        except FileExistsError:
            pass  # another process won the race
    return Vapid02.from_pem(path.read_bytes())


def origin_of(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class VapidSigner:
    """Signs one JWT per push-service origin and reuses it until shortly before it expires."""

    vapid: Vapid02
    subject: str
    lifetime_s: int = CLAIM_LIFETIME_S
    _cache: dict[str, tuple[float, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not (self.subject.startswith("mailto:") or self.subject.startswith("https://")):
            raise ValueError("the VAPID subject must be a mailto: or https: URL")

    def authorization(self, endpoint: str, *, now: float | None = None) -> str:
        now = time.time() if now is None else now
        origin = origin_of(endpoint)
        cached = self._cache.get(origin)
        if cached and cached[0] - RENEW_MARGIN_S > now:
            return cached[1]
        exp = int(now) + self.lifetime_s
        # A fresh dict per origin: pywebpush/py_vapid mutate claims, and a shared one leaks the wrong `aud`.
        claims = {"aud": origin, "exp": exp, "sub": self.subject}
        header = str(self.vapid.sign(claims)["Authorization"])
        self._cache[origin] = (float(exp), header)
        return header
