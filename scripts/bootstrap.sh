#!/usr/bin/env bash
# Install everything newsalert needs on a fresh Debian machine, idempotently:
#   system packages (JDK, Maven, Prometheus/promtool, kcat), the Python venv with the project and
#   its dev tools, and the Kafka broker jars from Maven Central (cached in ~/.cache/newsalert).
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v java >/dev/null || need_apt+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || need_apt+=(maven)
command -v prometheus >/dev/null || need_apt+=(prometheus)
command -v promtool >/dev/null || need_apt+=(prometheus)
command -v kcat >/dev/null || need_apt+=(kcat)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "[bootstrap] installing system packages: ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  # the Debian prometheus package starts a system service on :9090; the project does not need it
  if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl stop prometheus 2>/dev/null || true; fi
fi

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
# the versions are those of constraints.txt (the lock; `make lock` refreshes it), so every machine
# and CI install the same set; a change to either file reinstalls
stamp=.venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "[bootstrap] creating .venv and installing newsalert with dev tools (constraints.txt)"
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -c constraints.txt -e '.[dev]'
  rm -f .venv/.installed-*
  touch "$stamp"
fi

.venv/bin/newsalert broker fetch >/dev/null
echo "[bootstrap] ready: $(.venv/bin/newsalert --version)"
