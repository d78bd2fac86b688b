"""How long a no-op `idp apply` of the shipped tenants takes, and how many requests it sends.

Run with the stack up: .venv/bin/python -m benchmarks apply_noop [runs]
"""

from __future__ import annotations

import sys
import time

from rich.console import Console

from benchmarks._stack import local_stack, summary
from provisioner import reconcile
from provisioner.admin_api import connect
from provisioner.config.loader import load_tenants
from tests.support.counting_proxy import CountingProxy


def main(runs: int) -> None:
    settings, admin, secrets = local_stack()
    env = {"IDP_SMTP_HOST": "127.0.0.1", "IDP_SMTP_PORT": str(settings.smtp_port),
           "IDP_SERVICE_CLIENT_SECRET": secrets.service_client_secret}
    tenants = load_tenants(settings.config_dir, env)
    quiet = Console(quiet=True)
    with CountingProxy(settings.keycloak_url) as proxy:
        client = connect(proxy.url, admin.username, admin.password)
        reconcile.apply(client, tenants, quiet)  # converge first
        proxy.requests.clear()
        durations = []
        for _ in range(runs):
            started = time.perf_counter()
            done = reconcile.apply(client, tenants, quiet)
            durations.append(time.perf_counter() - started)
            assert not any(c.is_write for c in done)
        total = sum(proxy.requests.values())
    print(summary(f"no-op apply of {len(tenants)} tenants", durations))
    print(f"requests per no-op apply: {total / runs:.0f} reads, {len(proxy.writes) / runs:.0f} writes")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
