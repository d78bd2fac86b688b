"""The hot paths' queries are index lookups, so their cost stays flat as history grows (the numbers
are in `python -m benchmarks wizard`): every statement a phone send, a code check and an inbound
call run is planned by SQLite without a full table scan."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from benchmarks.wizard import PEPPER, POLICY, _Capture, _seed
from contract.onboarding import PhoneStep
from webhooks.code_store import CodeStore
from webhooks.phone.service import PhoneService
from webhooks.sealing import Sealer


@pytest.fixture
def statements(sessions):
    _seed(sessions, 500)
    engine = sessions.kw["bind"]
    seen: list[tuple[str, object]] = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    yield seen
    event.remove(engine, "before_cursor_execute", grab)


def _scans(sessions, seen) -> list[str]:
    out = []
    with sessions.kw["bind"].connect() as connection:
        for statement, parameters in list(seen):
            if not statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
                continue
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
            out += [f"{row[-1]}: {statement[:120]}" for row in plan if str(row[-1]).startswith("SCAN")]
    return out


def test_a_phone_send_and_a_code_check_never_scan_a_table(sessions, statements):
    sms = _Capture()
    phones = PhoneService(sessions, sms, CodeStore("phone", PEPPER))
    phones.send_code(POLICY, "cloud", "u-1", "+79991234567", "10.0.0.1", lambda code: code)
    phones.verify(POLICY, "cloud", "u-1", sms.last)
    phones.state(POLICY, "cloud", "u-1")
    assert len(statements) > 10
    assert _scans(sessions, statements) == []


def test_an_inbound_call_never_scans_a_table(sessions, statements):
    policy = PhoneStep(kind="phone", allowed_countries=["RU"], channel="inbound_call", call_number="+74951234567")
    phones = PhoneService(sessions, _Capture(), CodeStore("phone", PEPPER), sealer=Sealer(b"k" * 32))
    phones.start_inbound(policy, "cloud", "u-2", "+79991234568", "10.0.0.2")
    digits = phones.state(policy, "cloud", "u-2").digits
    assert phones.answer_call("+79991234568", "+74951234567", digits, lambda realm: policy).kind == "verified"
    assert _scans(sessions, statements) == []
