"""Fetches the pinned Keycloak distribution from Maven Central, verifies it, and unpacks it.

The version and its checksum are pinned here and nowhere else (extensions/pom.xml receives the
version from the run command). The zip is cached outside the repository, so a second run
downloads nothing; it is verified against the published SHA-512 before every unpack.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import requests
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

from provisioner.errors import RuntimeFailure

KEYCLOAK_VERSION = "26.7.3"
# Published next to the artifact as keycloak-quarkus-dist-26.7.3.zip.sha512 on Maven Central.
KEYCLOAK_SHA512 = (
    "15c764765576eef267cf15cc5225a5826b5394a25a83d9bfa5b8544e4bbba690"
    "cb743c9d384200b93bb71ee4c4a328e1dd8c0a00f822fd3e6e154f14b1e47216"
)
MAVEN_CENTRAL = "https://repo.maven.apache.org/maven2"
_ARTIFACT = f"org/keycloak/keycloak-quarkus-dist/{KEYCLOAK_VERSION}/keycloak-quarkus-dist-{KEYCLOAK_VERSION}.zip"
_CHUNK = 1 << 20


def sha512_of(path: Path) -> str:
    """Hex SHA-512 of a file, read in chunks."""
    digest = hashlib.sha512()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _download(url: str, target: Path) -> None:
    partial = target.with_suffix(target.suffix + ".part")
    try:
        with requests.get(url, stream=True, timeout=(15, 120)) as response:
            response.raise_for_status()
            total = int(response.headers.get("content-length", 0)) or None
            columns = ("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                       TransferSpeedColumn())
            with Progress(*columns) as progress, partial.open("wb") as out:
                task = progress.add_task(f"Keycloak {KEYCLOAK_VERSION}", total=total)
                for chunk in response.iter_content(_CHUNK):
                    out.write(chunk)
                    progress.advance(task, len(chunk))
    except requests.RequestException as exc:
        partial.unlink(missing_ok=True)
        raise RuntimeFailure(
            f"Could not download Keycloak from {url}: {exc}",
            "Check that Maven Central is reachable, then run the command again.",
        ) from exc
    partial.replace(target)


def ensure_archive(cache_dir: Path) -> Path:
    """The verified distribution zip in the cache, downloaded only when missing or corrupt."""
    downloads = cache_dir / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    archive = downloads / Path(_ARTIFACT).name
    if not archive.exists():
        _download(f"{MAVEN_CENTRAL}/{_ARTIFACT}", archive)
    actual = sha512_of(archive)
    if actual != KEYCLOAK_SHA512:
        archive.unlink()
        raise RuntimeFailure(
            f"The downloaded Keycloak archive has SHA-512 {actual[:16]}..., expected {KEYCLOAK_SHA512[:16]}...; "
            "it was deleted.",
            "Run the command again to download it afresh; if it repeats, the mirror serves a different file.",
        )
    return archive


def _extract(archive: Path, into: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        for member in zf.infolist():
            zf.extract(member, into)
            mode = (member.external_attr >> 16) & 0o777
            if mode:
                os.chmod(into / member.filename, mode)


def ensure_unpacked(cache_dir: Path, state_dir: Path, variant: str = "") -> Path:
    """The Keycloak home inside the state folder, unpacked once from the verified archive. A variant
    (e.g. "postgres") is a home of its own: `kc.sh build` fixes the database vendor into a home."""
    home = state_dir / (f"keycloak-{KEYCLOAK_VERSION}" + (f"-{variant}" if variant else ""))
    marker = home / ".idp-unpacked"
    if marker.exists():
        return home
    archive = ensure_archive(cache_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=state_dir) as scratch:
        _extract(archive, Path(scratch))
        shutil.rmtree(home, ignore_errors=True)
        (Path(scratch) / f"keycloak-{KEYCLOAK_VERSION}").replace(home)
    marker.write_text(KEYCLOAK_SHA512 + "\n")
    return home
