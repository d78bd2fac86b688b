"""Attack 7: ports that should not be open. Every socket the local stack's processes listen on is
on loopback: no cluster transport (7800, 57800), no management or SMTP port on other interfaces."""

from __future__ import annotations

import ipaddress

import psutil


def _listening(pid: int) -> list[tuple[str, int]]:
    root = psutil.Process(pid)
    found = []
    for proc in (root, *root.children(recursive=True)):
        found += [(c.laddr.ip, c.laddr.port) for c in proc.net_connections(kind="inet")
                  if c.status == psutil.CONN_LISTEN]
    return found


def _loopback(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def test_the_stack_listens_only_on_loopback(stack):
    from provisioner.runtime.state import StateDir, read_stack

    info = read_stack(StateDir(stack.settings.state_dir))
    sockets = {name: _listening(info[f"{name}_pid"]) for name in ("keycloak", "service")}
    assert (stack.settings.keycloak_port in {p for _, p in sockets["keycloak"]}), sockets  # the listing works
    exposed = {name: [s for s in found if not _loopback(s[0])] for name, found in sockets.items()}
    assert exposed == {"keycloak": [], "service": []}, sockets
    assert not {7800, 57800} & {port for found in sockets.values() for _, port in found}, sockets
