"""Putting a step first in a sub-flow: in one write where the priorities leave room, else raised; an
existing step gets only the writes it needs."""

from __future__ import annotations

from provisioner.resources import flow_steps


class _Admin:
    def __init__(self) -> None:
        self.raised: list[tuple[str, int]] = []
        self.updated: list[tuple[str, str]] = []

    def update_authentication_flow_executions(self, execution: dict, flow_alias: str) -> None:
        self.updated.append((execution["id"], execution["requirement"]))

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


def test_an_existing_step_is_made_required_and_raised_to_first_only_as_needed():
    admin = _Admin()
    siblings = [{"id": "a", "requirement": "REQUIRED"}, {"id": "b", "requirement": "DISABLED"}]
    flow_steps.require(admin, "idp registration", siblings[1], siblings, "REQUIRED", first=True)
    assert admin.updated == [("b", "REQUIRED")] and admin.raised == [("b", 1)]
    admin = _Admin()
    flow_steps.require(admin, "idp registration", siblings[0], siblings, "REQUIRED", first=True)
    assert admin.updated == [] and admin.raised == [], "already required and first: no write"
    flow_steps.require(admin, "idp registration", siblings[1], siblings, "DISABLED")
    assert admin.updated == [] and admin.raised == [], "not asked to be first: left in its place"
