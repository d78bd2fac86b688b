"""The limit primitives under parallel use: however many threads take at once, exactly `limit` get
through, each count is handed out once, and a cooldown is claimed once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from sqlalchemy.orm import sessionmaker

from webhooks import limits

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def parallel_takes(sessions: sessionmaker, limit: int, tries: int) -> list[int | None]:
    def take(_: int) -> int | None:
        with sessions.begin() as session:
            return limits.take(session, "test", limits.hashed("k"), "2026-11-22", limit)

    with ThreadPoolExecutor(max_workers=10) as pool:
        return list(pool.map(take, range(tries)))


def parallel_cooldowns(sessions: sessionmaker, tries: int) -> list[int]:
    def claim(_: int) -> int:
        with sessions.begin() as session:
            return limits.claim_cooldown(session, limits.hashed("c"), NOW, 60)

    with ThreadPoolExecutor(max_workers=10) as pool:
        return list(pool.map(claim, range(tries)))


def test_parallel_takes_stop_exactly_at_the_limit(sessions):
    results = parallel_takes(sessions, limit=5, tries=30)
    assert sorted(r for r in results if r is not None) == [1, 2, 3, 4, 5]


def test_a_cooldown_is_claimed_once(sessions):
    results = parallel_cooldowns(sessions, tries=20)
    assert results.count(0) == 1 and all(0 < r <= 60 for r in results if r)


def test_give_back_undoes_one_take_and_old_windows_are_forgotten(sessions):
    with sessions.begin() as session:
        assert limits.take(session, "test", "k", "2026-11-19", 1) == 1
        assert limits.take(session, "test", "k", "2026-11-19", 1) is None
        limits.give_back(session, "test", "k", "2026-11-19")
        assert limits.take(session, "test", "k", "2026-11-19", 1) == 1
        limits.forget_old_windows(session, NOW)
        assert limits.take(session, "test", "k", "2026-11-19", 1) == 1, "the old day's counter is gone"
