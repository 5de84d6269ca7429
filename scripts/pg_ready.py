"""Exit 0 when the PostgreSQL server named by the URL answers, 1 otherwise (used by `make test`)."""

from __future__ import annotations

import asyncio
import sys


async def main(url: str) -> int:
    import asyncpg

    try:
        conn = await asyncio.wait_for(asyncpg.connect(url.replace("postgres://", "postgresql://", 1)), 5)
    except Exception:
        return 1
    await conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1])))
