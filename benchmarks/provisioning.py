"""`idp apply` against keycloak-config-cli (the usual tool for realms from files), same realm content,
same running Keycloak, same run, both measured from outside as a provider would run them (a process
each time: interpreter or JVM start-up, sign-in, work).

- first apply into an empty realm (the peer with and without its --import.parallel, since idp applies a
  tenant's independent parts side by side; ours is held against the faster), and a re-apply with
  nothing changed: both comparing everything
  (idp apply; keycloak-config-cli without its checksum cache) and both trusting a checksum (idp apply
  --skip-unchanged; keycloak-config-cli with its cache); wall time and admin requests (counted
  through a loopback proxy, in a second pass, so the proxy's own cost stays out of the times);
- idp's password sign-ins reuse the admin's session the run before kept (provisioner/admin_session.py,
  as kcadm.sh keeps its tokens); the checksum re-apply is also timed without it (every run hashing
  the password in Keycloak);
- the first apply and the checksum re-apply again with both tools signing in as a service account
  (client credentials, Keycloak's sign-in for automation) instead of the admin user's password;
- growth: 1, 10 and 50 tenants in one `idp apply` (quick: 1 and 5), and one tenant with 10x the
  relying apps: time per tenant.

The content is the shipped `cloud` tenant: ours from its YAML; the peer's is `benchmarks/peer/cloud.json`,
what `idp export` writes for that YAML (a Keycloak realm representation, keycloak-config-cli's format)
less what a keycloak-config-cli user would not write: Keycloak's built-in clients and their roles, and
four fields of Keycloak 26.7 that the peer (built on 26.5's libraries) refuses. The peer is built by
../shared/peers/keycloak-config-cli/build.sh and is never a dependency of the project. Bench realms
are deleted at the end.

Run with the stack up: .venv/bin/python -m benchmarks provisioning [full|quick]
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks._stack import local_stack
from contract.names import CLI_FLOW
from provisioner.admin_api import connect
from provisioner.export import stable_flow_id
from tests.support.counting_proxy import CountingProxy
from tests.support.stack import ROOT, master_service_account, write_tenant_config

PEER_BUILD = ROOT.parent / "shared" / "peers" / "keycloak-config-cli" / "build.sh"
IDP = str(ROOT / ".venv" / "bin" / "idp")
WARM_UPS = 3


def peer_jar() -> Path:
    """Build (or find the cached) keycloak-config-cli jar."""
    if not PEER_BUILD.exists():
        raise SystemExit(f"keycloak-config-cli's build script is not at {PEER_BUILD}")
    built = subprocess.run(["bash", str(PEER_BUILD)], capture_output=True, text=True, timeout=1800, check=False)
    if built.returncode != 0:
        raise SystemExit(f"building keycloak-config-cli failed:\n{built.stderr[-2000:]}")
    return Path(built.stdout.strip().splitlines()[-1])


def _java() -> str:
    """A JDK 21+ for the peer (it is compiled for 21)."""
    for candidate in sorted(Path("/usr/lib/jvm").glob("*"), reverse=True):
        release = candidate / "release"
        if release.exists() and 'JAVA_VERSION="2' in release.read_text() and (candidate / "bin" / "java").exists():
            return str(candidate / "bin" / "java")
    return shutil.which("java") or "java"


class Tools:
    def __init__(self, settings, admin_credentials, secrets, jar: Path) -> None:
        self.settings, self.credentials, self.secrets, self.jar = settings, admin_credentials, secrets, jar
        self.java = _java()

    def ours(self, config_dir: Path, url: str, *args: str, account: tuple[str, str] | None = None,
             keep_session: bool = True) -> tuple[float, subprocess.CompletedProcess]:
        sign_in = ({"IDP_ADMIN_CLIENT_ID": account[0], "IDP_ADMIN_CLIENT_SECRET": account[1]} if account else
                   {"IDP_ADMIN_USER": self.credentials.username, "IDP_ADMIN_PASSWORD": self.credentials.password})
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("IDP_ADMIN_")}, **sign_in,
               "IDP_CONFIG_DIR": str(config_dir), "IDP_KEYCLOAK_URL": url,
               "IDP_SMTP_HOST": "127.0.0.1", "IDP_SMTP_PORT": str(self.settings.smtp_port),
               "IDP_SERVICE_CLIENT_SECRET": self.secrets.service_client_secret,
               "IDP_SERVICE_PUBLIC_URL": self.settings.service_url, "IDP_STATE_DIR": str(self.settings.state_dir),
               # A password sign-in reuses the admin's session kept by the run before (as kcadm.sh does).
               "IDP_ADMIN_KEEP_SESSION": "true" if keep_session else "false"}
        started = time.perf_counter()
        done = subprocess.run([IDP, "apply", *args], env=env, capture_output=True, text=True, timeout=1800, check=False)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"idp apply failed:\n{done.stdout[-1500:]}{done.stderr[-1500:]}")
        return elapsed, done

    def peer(self, realm_file: Path, url: str, cache: bool = True, parallel: bool = False,
             account: tuple[str, str] | None = None) -> float:
        sign_in = (["--keycloak.grant-type=client_credentials", f"--keycloak.client-id={account[0]}",
                    f"--keycloak.client-secret={account[1]}"] if account else
                   [f"--keycloak.user={self.credentials.username}", f"--keycloak.password={self.credentials.password}"])
        command = [self.java, "-jar", str(self.jar), f"--keycloak.url={url}", *sign_in,
                   f"--import.files.locations={realm_file}", f"--import.cache.enabled={str(cache).lower()}",
                   f"--import.parallel={str(parallel).lower()}", "--keycloak.availability-check.enabled=false"]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"keycloak-config-cli failed:\n{done.stdout[-3000:]}")
        return elapsed


def _peer_realm_file(folder: Path, realm: str) -> Path:
    """The peer's file for `realm`: the realm's own default role and flow id (ids are unique across realms)."""
    text = (Path(__file__).parent / "peer" / "cloud.json").read_text()
    text = text.replace('"default-roles-cloud"', f'"default-roles-{realm}"')
    for alias in (CLI_FLOW,):
        text = text.replace(stable_flow_id("cloud", alias), stable_flow_id(realm, alias))
    representation = json.loads(text)
    representation["realm"] = realm
    path = folder / f"{realm}.json"
    path.write_text(json.dumps(representation))
    return path


def _config(folder: Path, realms: list[str], overrides: dict | None = None) -> Path:
    target = folder / uuid.uuid4().hex[:6]
    for realm in realms:
        write_tenant_config(target, realm, "cloud", overrides)
    return target


def _wide(count: int) -> dict:
    """The cloud tenant with `count` relying apps (its YAML declares one; client scopes are not
    declared per tenant, every tenant gets the `phone` scope)."""
    return {"clients": [{"client_id": f"app-{i}", "name": f"App {i}",
                         "redirect_uris": [f"https://app-{i}.example.com/callback"]} for i in range(count)]}


def main(mode: str = "full") -> None:
    settings, credentials, secrets = local_stack()
    tools = Tools(settings, credentials, secrets, peer_jar())
    admin = connect(settings.keycloak_url, credentials.username, credentials.password)
    folder = Path(tempfile.mkdtemp())
    run = uuid.uuid4().hex[:5]
    made: list[str] = []
    made_clients: list[str] = []
    direct = settings.keycloak_url

    def realm(name: str) -> str:
        made.append(f"bench-{run}-{name}")
        return made[-1]

    try:
        # A Keycloak that has just started runs its first realm creations through cold code (its JIT has
        # compiled little yet), and a provider's Keycloak has run for days: warm-up applies of each tool
        # into throwaway realms first (one with --quick, a smoke run that must end in five minutes), then
        # rounds in alternating order, medians. The first of the warm-ups, into a just-started Keycloak,
        # is printed too.
        warm_ups = WARM_UPS if mode == "full" else 1
        cold_ours, _ = tools.ours(_config(folder, [realm("warm-ours-0")]), direct)
        cold_peer = tools.peer(_peer_realm_file(folder, realm("warm-peer-0")), direct)
        for warm in range(1, warm_ups):
            tools.ours(_config(folder, [realm(f"warm-ours-{warm}")]), direct)
            tools.peer(_peer_realm_file(folder, realm(f"warm-peer-{warm}")), direct, parallel=bool(warm % 2))
        # idp applies a tenant's independent parts side by side; the peer can too (--import.parallel), so
        # its first apply is measured both ways and ours is held against the faster.
        rounds = 3 if mode == "full" else 1
        quick_rounds = 5 if mode == "full" else 1  # our no-op runs take under a second: more of them
        ours_firsts: list[float] = []
        peer_firsts: dict[bool, list[float]] = {False: [], True: []}
        for round_ in range(rounds):
            ours_realm = realm(f"ours-{round_}")
            ours_config = _config(folder, [ours_realm])
            peer_files = {parallel: _peer_realm_file(folder, realm(f"peer-{'p' if parallel else 's'}{round_}"))
                          for parallel in (False, True)}
            runs = ["ours", False, True]  # idp, then the peer without and with --import.parallel
            for run_ in runs[round_ % 3:] + runs[:round_ % 3]:  # each goes first in turn
                if run_ == "ours":
                    ours_firsts.append(tools.ours(ours_config, direct)[0])
                else:
                    peer_firsts[run_].append(tools.peer(peer_files[run_], direct, parallel=run_))
        ours_first = statistics.median(ours_firsts)
        peer_serial, peer_parallel = (statistics.median(peer_firsts[p]) for p in (False, True))
        peer_first = min(peer_serial, peer_parallel)
        peer_file = peer_files[False]
        noops = [tools.ours(ours_config, direct) for _ in range(quick_rounds)]
        assert all("No changes" in done.stdout for _, done in noops), noops[-1][1].stdout[-500:]
        skips = [tools.ours(ours_config, direct, "--skip-unchanged") for _ in range(quick_rounds)]
        assert all("as last applied" in done.stdout for _, done in skips), skips[-1][1].stdout[-500:]
        cold_skips = [tools.ours(ours_config, direct, "--skip-unchanged", keep_session=False)
                      for _ in range(quick_rounds)]
        ours_noop, ours_skip, cold_skip = (statistics.median(t for t, _ in runs) for runs in (noops, skips, cold_skips))
        peer_cached = statistics.median(tools.peer(peer_file, direct, cache=True) for _ in range(rounds))
        peer_uncached = statistics.median(tools.peer(peer_file, direct, cache=False) for _ in range(rounds))

        # The same with a service account for both tools (client credentials, as Keycloak recommends for
        # pipelines): Keycloak checks a client secret directly, where it hashes a password at every sign-in.
        account = master_service_account(admin, f"bench-{run}-ci")
        made_clients.append(account[2])
        sa_firsts, sa_peer_firsts = [], []
        for round_ in range(rounds):
            sa_config = _config(folder, [realm(f"sa-ours-{round_}")])
            sa_peer_file = _peer_realm_file(folder, realm(f"sa-peer-{round_}"))
            if round_ % 2:
                sa_peer_firsts.append(tools.peer(sa_peer_file, direct, parallel=True, account=account[:2]))
            sa_firsts.append(tools.ours(sa_config, direct, account=account[:2])[0])
            if not round_ % 2:
                sa_peer_firsts.append(tools.peer(sa_peer_file, direct, parallel=True, account=account[:2]))
        sa_skips = [tools.ours(sa_config, direct, "--skip-unchanged", account=account[:2])
                    for _ in range(quick_rounds)]
        assert all("as last applied" in done.stdout for _, done in sa_skips), sa_skips[-1][1].stdout[-500:]
        sa_first, sa_peer_first = statistics.median(sa_firsts), statistics.median(sa_peer_firsts)
        sa_skip = statistics.median(t for t, _ in sa_skips)
        sa_peer_cached = statistics.median(tools.peer(sa_peer_file, direct, cache=True, account=account[:2])
                                           for _ in range(rounds))

        with CountingProxy(direct) as proxy:
            counted_ours, counted_peer = realm("ours-counted"), realm("peer-counted")
            tools.ours(_config(folder, [counted_ours]), proxy.url)
            ours_requests, ours_writes = sum(proxy.requests.values()), len(proxy.writes)
            proxy.requests.clear()
            proxy.seen.clear()
            tools.ours(_config(folder, [counted_ours]), proxy.url)
            noop_requests, noop_writes = sum(proxy.requests.values()), len(proxy.writes)
            proxy.requests.clear()
            proxy.seen.clear()
            tools.ours(_config(folder, [counted_ours]), proxy.url, "--skip-unchanged")
            skip_requests = sum(proxy.requests.values())
            proxy.requests.clear()
            proxy.seen.clear()
            tools.peer(_peer_realm_file(folder, counted_peer), proxy.url)
            peer_requests, peer_writes = sum(proxy.requests.values()), len(proxy.writes)

        print(f"  the first warm-up apply (Keycloak as the run found it, maybe just started): idp {cold_ours:.2f} s, "
              f"keycloak-config-cli {cold_peer:.2f} s ({cold_ours / cold_peer:.3f}x)")
        print(f"  first apply into an empty realm (median of {len(ours_firsts)}, after {warm_ups} warm-up applies of "
              f"each): idp "
              f"{ours_first:.2f} s ({ours_requests} requests, {ours_writes} writes); keycloak-config-cli "
              f"{peer_serial:.2f} s, with --import.parallel {peer_parallel:.2f} s ({peer_requests} requests, "
              f"{peer_writes} writes)")
        print(f"  no-op re-apply, everything compared (medians of {quick_rounds} for idp, {rounds} for the peer): idp "
              f"{ours_noop:.2f} s ({noop_requests} requests, {noop_writes} "
              f"writes); keycloak-config-cli without its cache {peer_uncached:.2f} s")
        print(f"  no-op re-apply, checksum: idp --skip-unchanged {ours_skip:.2f} s ({skip_requests} requests); "
              f"keycloak-config-cli with its cache {peer_cached:.2f} s")
        print(f"  the same without the admin's kept session (IDP_ADMIN_KEEP_SESSION=false: Keycloak hashes the "
              f"password at every run): idp --skip-unchanged {cold_skip:.2f} s, {cold_skip / ours_first:.3f}x idp's "
              f"first, {cold_skip / peer_cached:.3f}x the peer's cached re-apply")
        print(f"  ratios: first apply idp / the peer's faster {ours_first / peer_first:.3f}x (target <= 0.15x; "
              f"{ours_first / peer_serial:.3f}x its default); no-op idp / idp's "
              f"first {ours_skip / ours_first:.2f}x with --skip-unchanged, {ours_noop / ours_first:.2f}x comparing "
              f"everything (target <= 0.1x); no-op idp --skip-unchanged / peer's cached re-apply "
              f"{ours_skip / peer_cached:.2f}x (target <= 0.05x); both comparing everything "
              f"{ours_noop / peer_uncached:.2f}x")
        print(f"  with a service account for both (medians of {rounds}, of {quick_rounds} for our re-applies): "
              f"first apply idp {sa_first:.2f} s, "
              f"keycloak-config-cli --import.parallel {sa_peer_first:.2f} s ({sa_first / sa_peer_first:.3f}x, target "
              f"<= 0.15x); idp --skip-unchanged {sa_skip:.2f} s: {sa_skip / sa_first:.3f}x idp's first (target "
              f"<= 0.1x), {sa_skip / sa_peer_cached:.2f}x the peer's cached re-apply of {sa_peer_cached:.2f} s "
              f"(target <= 0.05x)")

        sizes = (1, 10, 50) if mode == "full" else (1, 5)
        per_tenant = {}
        for size in sizes:
            realms = [realm(f"g{size}-{i}") for i in range(size)]
            elapsed, _ = tools.ours(_config(folder, realms), direct)
            if size == 1:  # the baseline every size is divided by: the median of all one-tenant applies
                elapsed = statistics.median([*ours_firsts, elapsed])
            per_tenant[size] = elapsed / size
            print(f"  {size:>2} tenant(s) in one idp apply: {elapsed:.1f} s, {elapsed / size:.2f} s per tenant "
                  f"({elapsed / (per_tenant[1]):.1f}x one tenant)")
        wide_realm = realm("wide")
        wide, _ = tools.ours(_config(folder, [wide_realm], _wide(10)), direct)
        print(f"  one tenant with 10 relying apps (10x): {wide:.1f} s ({wide / per_tenant[1]:.1f}x the plain tenant)")
        largest = sizes[-1]
        print(f"  growth: {largest} tenants took {per_tenant[largest] * largest / per_tenant[1]:.1f}x one tenant "
              f"(target: at most {0.6 * largest:.0f}x, per tenant flat or falling)")
    finally:
        for name in made:
            with contextlib.suppress(Exception):  # a realm the run never made (it stopped early)
                admin.delete_realm(name)
        admin.change_current_realm("master")
        for internal in made_clients:
            with contextlib.suppress(Exception):
                admin.delete_client(internal)
        shutil.rmtree(folder, ignore_errors=True)
