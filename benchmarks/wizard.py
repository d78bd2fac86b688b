"""The service's hot paths as history grows: a phone code send (every limit taken, the number's holders
counted) and a code check, on a database holding 1k and then 100k past codes, verified numbers,
processed events and limit counters. Their cost must stay flat (at most 1.2x from 1k to 100k): each
check is an index lookup (tests/unit/test_query_plans.py shows the plans use the indexes). In process,
on SQLite (the dev stack's database); no stack needed, nothing leaves the machine.

Run: .venv/bin/python -m benchmarks wizard [full|quick]
"""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from contract.onboarding import PhoneDailyLimits, PhoneStep
from webhooks.code_store import CodeStore, OneTimeCode
from webhooks.codes import code_hash
from webhooks.db import make_engine, make_sessions, upgrade
from webhooks.events.models import ProcessedEvent
from webhooks.limits import LimitCounter, day_window, hashed
from webhooks.phone.service import PhoneService

PEPPER = b"bench-pepper" * 3
POLICY = PhoneStep(kind="phone", allowed_countries=["RU"], attempts_per_code=3, accounts_per_number=2,
                   daily_limits=PhoneDailyLimits(per_ip=10000, per_prefix=100000, per_country=10_000_000,
                                                 per_tenant=10_000_000))


class _Capture:
    """An SMS provider that keeps the last code instead of sending it."""

    last = ""

    def send(self, to: str, text: str, channel: str) -> None:
        self.last = text


def _number(i: int) -> str:
    return f"+7999{i:07d}"


def _seed(sessions, rows: int) -> None:
    """`rows` past codes (half verified), processed events and yesterday's limit counters."""
    now = datetime.now(UTC) - timedelta(days=1)
    window = day_window(now)
    codes, events, counters = [], [], []
    for i in range(rows):
        record = str(uuid.uuid4())
        codes.append({"id": record, "realm": "cloud", "user_id": f"past-{i}", "purpose": "phone",
                      "target": _number(i), "channel": "sms", "country": "RU",
                      "code_hash": code_hash(PEPPER, record, "0000"), "sent_at": now, "expires_at": now,
                      "attempts_left": 3, "verified_at": now if i % 2 else None, "sealed": None})
        events.append({"id": f"past-{i}", "realm": "cloud", "kind": "user", "type": "LOGIN", "user_id": f"past-{i}",
                       "occurred_at_ms": int(now.timestamp() * 1000), "received_via": "push", "processed_at": now})
        counters.append({"scope": "phone-user", "key": hashed("cloud", f"past-{i}"), "window": window, "n": 1})
    with sessions.begin() as session:
        for table, batch in ((OneTimeCode, codes), (ProcessedEvent, events), (LimitCounter, counters)):
            for start in range(0, len(batch), 5000):
                session.execute(insert(table), batch[start:start + 5000])


def _measure(rows: int, operations: int) -> tuple[float, float]:
    """Median seconds of a send and of a code check with `rows` of history."""
    folder = Path(tempfile.mkdtemp())
    engine = make_engine(f"sqlite:///{folder / 'bench.db'}")
    upgrade(engine)
    sessions = make_sessions(engine)
    _seed(sessions, rows)
    sms = _Capture()
    phones = PhoneService(sessions, sms, CodeStore("phone", PEPPER))
    sends, checks = [], []
    for i in range(operations + 10):  # the first 10 warm the caches and are not counted
        user, number = f"new-{i}", _number(rows + i)
        started = time.perf_counter()
        phones.send_code(POLICY, "cloud", user, number, f"10.0.{i // 250}.{i % 250}", lambda code: code)
        sent = time.perf_counter()
        phones.verify(POLICY, "cloud", user, sms.last)
        checked = time.perf_counter()
        if i >= 10:
            sends.append(sent - started)
            checks.append(checked - sent)
    engine.dispose()
    return statistics.median(sends), statistics.median(checks)


def main(mode: str = "full") -> None:
    operations = 200 if mode == "full" else 60
    small, large = 1000, 100_000
    results = {rows: _measure(rows, operations) for rows in (small, large)}
    for rows, (send, check) in results.items():
        print(f"  {rows:>7} rows of history: phone send median {send * 1000:.2f} ms, code check median "
              f"{check * 1000:.2f} ms ({operations} each)")
    send_ratio = results[large][0] / results[small][0]
    check_ratio = results[large][1] / results[small][1]
    print(f"  {large // 1000}k / {small // 1000}k: send {send_ratio:.2f}x, code check {check_ratio:.2f}x "
          f"(target <= 1.2x)")
