"""One tenant's modules applied side by side: what waits for what, what is reported, and what an error
stops. Fake modules stand in for the resource modules (each plans one change that records when it ran)."""

from __future__ import annotations

import threading
import time
from types import ModuleType

import pytest

from provisioner import resources, tenant_apply
from provisioner.changes import Change


def test_every_module_waits_only_for_modules_planned_before_it():
    assert set(resources.AFTER) == set(resources.RESOURCES)
    position = {module: i for i, module in enumerate(resources.RESOURCES)}
    for module, before in resources.AFTER.items():
        assert all(position[b] < position[module] for b in before), module.__name__
    assert resources.AFTER[resources.realm] == ()
    assert all(module is resources.realm or before for module, before in resources.AFTER.items()), \
        "everything waits for the realm, directly or not"
    # Both bind their flow with a write of the realm's row: never at the same time.
    assert resources.registration_flow in resources.AFTER[resources.browser_flow]


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.events: list[tuple[str, str]] = []

    def note(self, name: str, what: str) -> None:
        with self.lock:
            self.events.append((name, what))

    def index(self, name: str, what: str) -> int:
        return self.events.index((name, what))


def fake(name: str, recorder: Recorder, work=None, fail: bool = False) -> ModuleType:
    module = ModuleType(name)

    def plan(admin, tenant, exists, prune=False):
        def run() -> None:
            recorder.note(name, "start")
            if work:
                work()
            if fail:
                raise RuntimeError(f"{name} failed")
            recorder.note(name, "end")

        return [Change("t", name, "create", [], run)]

    module.plan = plan
    return module


@pytest.fixture
def modules(monkeypatch):
    def install(after: dict[ModuleType, tuple]) -> None:
        monkeypatch.setattr(tenant_apply, "RESOURCES", tuple(after))
        monkeypatch.setattr(tenant_apply, "AFTER", after)
    return install


def test_independent_modules_run_at_once_and_dependents_after(modules):
    recorder = Recorder()
    both_running = threading.Barrier(2, timeout=10)  # broken (an error) unless the two overlap
    root = fake("root", recorder)
    left = fake("left", recorder, both_running.wait)
    right = fake("right", recorder, both_running.wait)
    last = fake("last", recorder)
    modules({root: (), left: (root,), right: (root,), last: (left, right)})

    changes, error = tenant_apply.apply_tenant(None, None, True)

    assert error is None
    assert [c.resource for c in changes] == ["root", "left", "right", "last"], "reported in planning order"
    assert recorder.index("root", "end") < recorder.index("left", "start")
    assert recorder.index("left", "end") < recorder.index("last", "start")
    assert recorder.index("right", "end") < recorder.index("last", "start")


def test_an_error_stops_what_depends_on_it_and_starts_nothing_new(modules):
    recorder = Recorder()
    release = threading.Event()
    root = fake("root", recorder)
    broken = fake("broken", recorder, fail=True)
    slow = fake("slow", recorder, lambda: release.wait(10))
    after_broken = fake("after_broken", recorder)
    after_slow = fake("after_slow", recorder)
    modules({root: (), broken: (root,), slow: (root,), after_broken: (broken,), after_slow: (slow,)})

    def release_after_the_failure() -> None:
        while ("broken", "start") not in recorder.events:
            time.sleep(0.01)
        release.set()

    threading.Thread(target=release_after_the_failure, daemon=True).start()
    changes, error = tenant_apply.apply_tenant(None, None, True)

    assert isinstance(error, RuntimeError) and "broken failed" in str(error)
    assert ("slow", "end") in recorder.events, "a module already running finishes"
    started = {name for name, what in recorder.events if what == "start"}
    assert "after_broken" not in started and "after_slow" not in started
    assert [c.resource for c in changes] == ["root", "slow"], "only what was made is reported"


def test_a_failing_realm_stops_the_tenant_before_any_other_module(modules):
    recorder = Recorder()
    root = fake("root", recorder, fail=True)
    other = fake("other", recorder)
    modules({root: (), other: (root,)})
    changes, error = tenant_apply.apply_tenant(None, None, False)
    assert isinstance(error, RuntimeError) and changes == []
    assert ("other", "start") not in recorder.events


def test_a_cycle_is_an_error_not_a_skipped_module(modules):
    recorder = Recorder()
    root, a, b = fake("root", recorder), fake("a", recorder), fake("b", recorder)
    after = {root: (), a: (b,), b: (a,)}
    modules(after)
    with pytest.raises(RuntimeError, match="waiting forever"):
        tenant_apply.apply_tenant(None, None, True)
