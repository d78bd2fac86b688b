#!/usr/bin/env bash
# Installs the Debian packages the project needs when they are missing: a JDK (17+) for
# Keycloak, Maven for the extension, python3-venv and make, and Chromium for the browser tests
# (Playwright drives Debian's Chromium; it cannot download its own browser here), and the
# PostgreSQL server binaries the tests start a throwaway cluster from, Go for stripe-mock, and
# docker-compose to validate the compose file. Safe to run again; does nothing
# when everything is there. Needs root (or sudo) only when something is missing.
set -euo pipefail

need=()
java_ok=false
for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  [ -n "$candidate" ] && [ -r "$candidate/release" ] || continue
  major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$candidate/release")
  if [ "${major:-0}" -ge 17 ]; then java_ok=true; break; fi
done
$java_ok || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
command -v make >/dev/null || need+=(make)
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
command -v chromium >/dev/null || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# Go builds stripe-mock (Stripe's API double) from the Go module proxy for the Stripe adapter's tests.
command -v go >/dev/null || [ -x /usr/local/go/bin/go ] || need+=(golang-go)
# docker-compose checks docker-compose.yml (`config`); no container engine runs here.
command -v docker-compose >/dev/null || need+=(docker-compose)

if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
echo "system packages: installing ${need[*]}"
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}"
