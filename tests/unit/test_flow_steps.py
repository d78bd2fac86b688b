"""Putting a step first in a sub-flow: in one write where the priorities leave room, else raised."""

from __future__ import annotations

from provisioner.resources import flow_steps


class _Admin:
    def __init__(self) -> None:
        self.raised: list[tuple[str, int]] = []

    def change_execution_priority(self, execution_id: str, diff: int) -> None:
        self.raised.append((execution_id, diff))


def _added(monkeypatch) -> list[tuple]:
    added: list[tuple] = []

    def add_step(admin, parent_id, provider, requirement, priority=None) -> str:
        added.append((parent_id, provider, requirement, priority))
        return "new-step"

    monkeypatch.setattr(flow_steps, "add_step", add_step)
    return added


def test_a_first_step_goes_in_below_the_lowest_priority_in_one_write(monkeypatch):
    added, admin = _added(monkeypatch), _Admin()
    siblings = [{"id": "a", "priority": 20}, {"id": "b", "priority": 10}]
    assert flow_steps.add_first(admin, "form", siblings, "idp-email-length", "REQUIRED") == "new-step"
    assert added == [("form", "idp-email-length", "REQUIRED", 9)] and admin.raised == []


def test_with_no_room_below_the_first_it_is_added_last_and_raised_past_each(monkeypatch):
    added, admin = _added(monkeypatch), _Admin()
    siblings = [{"id": "a", "priority": 0}, {"id": "b", "priority": 10}]
    flow_steps.add_first(admin, "form", siblings, "idp-email-length", "REQUIRED")
    assert added == [("form", "idp-email-length", "REQUIRED", None)] and admin.raised == [("new-step", 2)]
