# Shared by bin/serve and bin/test: the virtual environment and the services the portal needs.
# Sourced, not run. Everything here is idempotent: a second call finds the work done.

PORTAL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$PORTAL_ROOT/.venv"
PY="$VENV/bin/python"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "error: '$*' needs root (or sudo)" >&2; return 1
  fi
}

apt_install() {
  say "Installing Debian packages: $*"
  if [ -z "${_APT_UPDATED:-}" ]; then as_root apt-get update -qq; _APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

find_python() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  echo "error: the portal needs Python 3.11 (python3.11 or python3 on PATH)" >&2
  return 1
}

# Installs the locked versions from constraints.txt; `extra` is "" or "[test]".
ensure_venv() {
  local extra="${1:-}"
  if [ ! -x "$PY" ]; then
    say "Creating the virtual environment in .venv"
    "$(find_python)" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed$extra"
  if [ ! -f "$stamp" ] || [ "$PORTAL_ROOT/pyproject.toml" -nt "$stamp" ] ||
    [ "$PORTAL_ROOT/constraints.txt" -nt "$stamp" ]; then
    say "Installing the portal's dependencies$extra"
    "$PY" -m pip install --quiet --disable-pip-version-check \
      -c "$PORTAL_ROOT/constraints.txt" -e "$PORTAL_ROOT$extra"
    touch "$stamp"
  fi
}

ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    apt_install chromium chromium-driver fonts-dejavu-core
  fi
}

# WeasyPrint (the resolution's PDF) loads Pango and HarfBuzz when imported; DejaVu has every
# Kyrgyz letter.
DOCUMENT_PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"

ensure_document_libraries() {
  local missing=() package
  for package in $DOCUMENT_PACKAGES; do
    [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" = "install ok installed" ] ||
      missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
}

pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

ensure_postgres() {
  pg_ready && return 0
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    apt_install postgresql
  fi
  say "Starting PostgreSQL"
  local version
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
  if ! pg_ready; then echo "error: PostgreSQL did not start on 127.0.0.1:5432" >&2; return 1; fi
  # Trust authentication for the local test user, as on the CI machine.
  psql -h 127.0.0.1 -U postgres -c 'select 1' >/dev/null 2>&1 || {
    echo "error: cannot connect to PostgreSQL as user postgres on 127.0.0.1:5432" >&2; return 1
  }
}

redis_ready() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

# The background-job tests run against Redis on 127.0.0.1:6379, as CI has it.
ensure_redis() {
  redis_ready && return 0
  command -v redis-server >/dev/null || apt_install redis-server
  say "Starting Redis"
  # Our own throwaway server: no disk, loopback only.
  redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no --daemonize yes >/dev/null
  for _ in $(seq 1 20); do redis_ready && break; sleep 0.5; done
  if ! redis_ready; then echo "error: Redis did not start on 127.0.0.1:6379" >&2; return 1; fi
}
