"""`python -m backend.worker`: the outbox worker (same as `wayhome worker`, which the Procfile runs)."""

from __future__ import annotations

import sys

from backend.cli import main

if __name__ == "__main__":
    sys.exit(main(["worker", *sys.argv[1:]]))
