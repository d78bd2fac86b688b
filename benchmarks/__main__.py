"""One entry point for the benchmarks: `python -m benchmarks NAME [ARGS...] [--FLAG]`, or `python -m benchmarks
all [--quick]` for every one in turn (--quick: small counts, under five minutes on a 2-core machine).
Each needs the local stack up (`make run`), sends traffic only to it (loopback), is bounded in count,
and prints its figures with a ratio measured in the same run. None is a test."""

from __future__ import annotations

import importlib
import sys
import time

from benchmarks._stack import keycloak_process, local_stack, wait_until_quiet
from provisioner.errors import IdpError

# name -> (what it measures, full arguments, quick arguments)
BENCHMARKS: dict[str, tuple[str, tuple, tuple]] = {
    "signin_cost": ("Keycloak CPU per password login, each part of our extension on vs off, one process",
                    (6, 100), (2, 10)),
    "two_jvm": ("the same, as two Keycloak JVMs with and without the extension, restarted: its spread",
                (3, 60), (2, 30)),
    "provisioning": ("idp apply against keycloak-config-cli: first apply, no-op re-apply, growth",
                     ("full",), ("quick",)),
    "apply_noop": ("a no-op idp apply of the shipped tenants, in process", (10,), (3,)),
    "webhook_intake": ("signed event deliveries into the service: events/s, p99, vs the login rate", (2000, 4),
                       (300, 4)),
    "wizard": ("each wizard page and the phone send with 1k and 100k rows of history", ("full",), ("quick",)),
    "signup": ("sign-ups through the hosted registration page", (20,), (5,)),
    # 400 refreshes a round: with 100, the whole process's pairs spread 0.4-1.4x (JIT and GC bursts).
    "accounts_mapper": ("token refreshes with the accounts mapper vs without, 5 memberships", (10, 400), (4, 30)),
}


# Needs the local stack down (it starts Keycloaks of its own on the same cores): not part of `all`.
STANDALONE = {"two_jvm"}
# Flags `all` gives: signin_cost's pass with the service stopped checks the login rate does not drop
# when the webhook has nowhere to go, one of the targets, so the one run covers it.
ALL_FLAGS: dict[str, dict[str, bool]] = {"signin_cost": {"service_down": True}}


def _run(name: str, args: tuple, flags: dict | None = None) -> None:
    module = importlib.import_module(f"benchmarks.{name}")
    print(f"\n== {name}: {BENCHMARKS[name][0]}", flush=True)
    if name not in STANDALONE:
        local_stack()  # says so clearly when the stack is down
        waited = wait_until_quiet(keycloak_process())
        print(f"   (Keycloak quiet after {waited:.0f} s)", flush=True)
    started = time.perf_counter()
    module.main(*args, **(flags or {}))
    print(f"   ({time.perf_counter() - started:.0f} s)", flush=True)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help") or (argv[0] not in BENCHMARKS and argv[0] != "all"):
        print(__doc__)
        print("benchmarks:\n" + "\n".join(f"  {n:<16} {what}" for n, (what, _, _) in BENCHMARKS.items()))
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    if argv[0] == "all":
        quick = "--quick" in argv
        started = time.perf_counter()
        for name, (_, full, short) in BENCHMARKS.items():
            if name in STANDALONE:
                print(f"\n== {name}: left out of `all` (run it alone, with the stack down)")
                continue
            _run(name, short if quick else full, ALL_FLAGS.get(name))
        print(f"\nall benchmarks{' (quick)' if quick else ''}: {time.perf_counter() - started:.0f} s")
        return 0
    name = argv[0]
    rest = [a for a in argv[1:] if not a.startswith("--")]
    flags = {a[2:].replace("-", "_"): True for a in argv[1:] if a.startswith("--")}  # e.g. --service-down
    _, full, _ = BENCHMARKS[name]
    args = tuple(type(default)(value) for default, value in zip(full, rest, strict=False)) + full[len(rest):]
    _run(name, args, flags)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except IdpError as exc:  # the stack is down, say: the message and what to do, not a traceback
        print(f"error: {exc.message}" + (f"\n{exc.hint}" if exc.hint else ""), file=sys.stderr)
        sys.exit(2)
