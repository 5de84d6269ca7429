"""Password hashing (argon2id) and the password policy (ASVS 5.0: length + breached/common list, no rotation).

Hashing runs in a small thread pool, never on the event loop (argon2-cffi releases the GIL), with at most
`HASH_CONCURRENCY` hashes at once and `HASH_QUEUE_LIMIT` waiting; beyond that sign-in answers 503 with
Retry-After instead of queueing without bound. Strength is estimated by zxcvbn (Dropbox's estimator).
"""

from __future__ import annotations

import asyncio
import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

from backend.accounts.errors import AccountInvalid, HashingBusy

MIN_LENGTH = 12
MAX_LENGTH = 128
COMMON_PASSWORDS_PATH = Path(__file__).with_name("common_passwords.txt")
# Words an attacker would try first against this service (ASVS 5.0 6.2.11); a long passphrase may contain one.
CONTEXT_WORDS = ("wayhome", "southwark", "citysafe", "haven", "saferschools", "police", "council")
CONTEXT_WORD_MIN_LENGTH = 20
MIN_ZXCVBN_SCORE = 3  # 0-4; 3 is "safely unguessable: moderate protection from offline slow-hash attack"
ZXCVBN_MAX_INPUT = 100  # zxcvbn's matching is quadratic in length; long passphrases are judged on a prefix
HASH_CONCURRENCY = 2
HASH_QUEUE_LIMIT = 16
# The lowest priority: below the event loop and below route searches (work processes at nice 10), so a flood of
# sign-in attempts (each a full argon2 check, even for unknown emails) slows sign-ins, not young people's routes.
# At 19 the threads are also SCHED_IDLE (BENCHMARKS.md, "Event loop under load", fourth round).
HASH_THREAD_NICE = 19


def lower_thread_priority(nice: int) -> None:
    """Pool initializer: lower this worker thread's scheduling priority (Linux; threads argon2 starts inherit it).
    At nice 19 the thread is also put in the SCHED_IDLE class: it runs only when no normal task wants the core."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
        if nice >= 19:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))  # 0: this thread
    except (AttributeError, OSError):
        pass  # not supported here: the pool still keeps the work off the loop


_pool = ThreadPoolExecutor(
    max_workers=HASH_CONCURRENCY,
    thread_name_prefix="argon2",
    initializer=lower_thread_priority,
    initargs=(HASH_THREAD_NICE,),
)
_queued = 0
T = TypeVar("T")

# argon2id with the library's RFC 9106 "low memory" defaults (64 MiB, t=3, p=4).
_hasher = PasswordHasher()
# A hash of a random string, verified when the account is unknown so timing does not reveal which emails exist.
_DUMMY_HASH = _hasher.hash("wayhome-not-a-password-7d1f0c")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The 20k common passwords list (Royce Williams, as shipped by Django), lower-cased."""
    text = COMMON_PASSWORDS_PATH.read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problems(password: str, *, email: str = "") -> list[str]:
    """Plain-language reasons the password is refused; empty when it is acceptable."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters (a few unrelated words work well).")
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    lowered = password.lower()
    if lowered in common_passwords() or lowered.strip() in common_passwords():
        problems.append("This password is on a list of commonly used passwords; choose another.")
    squashed = "".join(ch for ch in lowered if ch.isalpha())
    if len(password) < CONTEXT_WORD_MIN_LENGTH and any(word in squashed for word in CONTEXT_WORDS):
        problems.append(
            f"Passwords shorter than {CONTEXT_WORD_MIN_LENGTH} characters must not contain the name of the "
            "service, the borough or similar words."
        )
    local = email.split("@", 1)[0].lower()
    if local and len(local) >= 4 and local in lowered:
        problems.append("Do not include your email address in the password.")
    if not problems and MIN_LENGTH <= len(password) <= MAX_LENGTH:
        estimate = zxcvbn(password[:ZXCVBN_MAX_INPUT], user_inputs=[*CONTEXT_WORDS, local])
        if estimate["score"] < MIN_ZXCVBN_SCORE:
            problems.append(
                "This password would be easy to guess (repeated characters, a keyboard pattern or a common "
                "phrase). Try three or four unrelated words."
            )
    return problems


def check_password_policy(password: object, *, email: str = "", field: str = "password") -> str:
    """Return the password or raise 422 `weak_password` listing every problem."""
    if not isinstance(password, str):
        raise AccountInvalid("invalid_body", f"`{field}` must be a string.", details={"field": field})
    problems = password_problems(password, email=email)
    if problems:
        raise AccountInvalid("weak_password", problems[0], details={"field": field, "problems": problems})
    return password


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Constant-ish time check; an empty hash (invited, not yet accepted) never matches."""
    if not stored_hash:
        burn_time(password)
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def burn_time(password: str) -> None:
    """Spend one verification's worth of time (for unknown accounts)."""
    try:
        _hasher.verify(_DUMMY_HASH, password or "x")
    except VerificationError:
        pass


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


async def off_loop(fn: Callable[..., T], *args: object) -> T:
    """Run an argon2 call in the bounded hashing pool, keeping the event loop free."""
    global _queued
    if _queued >= HASH_CONCURRENCY + HASH_QUEUE_LIMIT:
        raise HashingBusy()
    _queued += 1
    try:
        return await asyncio.get_running_loop().run_in_executor(_pool, fn, *args)
    finally:
        _queued -= 1


async def hash_password_async(password: str) -> str:
    return await off_loop(hash_password, password)


async def verify_password_async(stored_hash: str, password: str) -> bool:
    return await off_loop(verify_password, stored_hash, password)


async def burn_time_async(password: str) -> None:
    await off_loop(burn_time, password)
