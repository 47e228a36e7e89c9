#!/usr/bin/env bash
# `make serve`: Sinovda as it runs for real, on this machine: production settings, PostgreSQL, the
# granian web server and a background worker. Ctrl+C stops all of it.
#
# With DATABASE_URL unset, a private PostgreSQL cluster is made and started under $SINOVDA_VAR_DIR/pg
# (Debian's binaries; as root, the cluster runs as `nobody`, like .ci/run). A SECRET_KEY is made once
# and kept in $SINOVDA_VAR_DIR/secret_key (mode 600). An empty database gets the editions, the regions
# and the demo region.
#
#   PORT              web port (default 8000)
#   SINOVDA_VAR_DIR   where the cluster, the key and the private files live (default var/)
#   SERVE_PG_PORT     the private cluster's port (default 55439)
# As root, `nobody` must be able to reach $SINOVDA_VAR_DIR (every parent folder searchable).
set -euo pipefail
cd "$(dirname "$0")/.."

UV=${UV:-python3 -m uv}
PORT=${PORT:-8000}
VAR=$(mkdir -p "${SINOVDA_VAR_DIR:-var}" && cd "${SINOVDA_VAR_DIR:-var}" && pwd)
PG_PORT=${SERVE_PG_PORT:-55439}
say() { printf '== %s\n' "$*"; }
manage() { $UV run python manage.py "$@"; }

pids=()
PG_STARTED=
stop_all() {
  trap - EXIT INT TERM
  if [ ${#pids[@]} -gt 0 ]; then
    say "stopping web and worker"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
  if [ -n "$PG_STARTED" ]; then
    say "stopping PostgreSQL"
    as_pg "$PG_BIN/pg_ctl -D '$VAR/pg/data' -m fast stop" >/dev/null 2>&1 || true
  fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# --- PostgreSQL: the one given, or a private cluster ----------------------------------------------
as_pg() { if [ "$(id -u)" = 0 ]; then su nobody -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
if [ -z "${DATABASE_URL:-}" ]; then
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$PG_BIN" ] || PG_BIN=$(dirname "$(command -v initdb || echo /usr/bin/initdb)")
  [ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL is not installed (Debian: apt-get install postgresql)"; exit 1; }
  mkdir -p "$VAR/pg"
  if [ ! -s "$VAR/pg/password" ]; then
    (umask 077; $UV run python -c 'import secrets; print(secrets.token_urlsafe(24))' > "$VAR/pg/password")
  fi
  if [ ! -s "$VAR/pg/data/PG_VERSION" ]; then
    say "creating a private PostgreSQL cluster in $VAR/pg"
    mkdir -p "$VAR/pg/data" "$VAR/pg/socket"
    [ "$(id -u)" = 0 ] && chown -R nobody "$VAR/pg"
    as_pg "$PG_BIN/initdb -D '$VAR/pg/data' -U sinovda --auth=scram-sha-256 --pwfile='$VAR/pg/password' -E UTF8 >/dev/null"
  fi
  if ! as_pg "$PG_BIN/pg_ctl -D '$VAR/pg/data' status" >/dev/null 2>&1; then
    say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    as_pg "$PG_BIN/pg_ctl -D '$VAR/pg/data' -o \"-k '$VAR/pg/socket' -p $PG_PORT -c listen_addresses=127.0.0.1\" -l '$VAR/pg/log' -w start >/dev/null"
    PG_STARTED=1
  fi
  PGPASSWORD=$(cat "$VAR/pg/password")
  export PGPASSWORD
  if ! "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U sinovda -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'sinovda'" | grep -q 1; then
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U sinovda sinovda
  fi
  unset PGPASSWORD
  # The password travels in the environment of our own processes only, never on a command line.
  export DATABASE_URL="postgres://sinovda:$(cat "$VAR/pg/password")@127.0.0.1:$PG_PORT/sinovda"
fi

# --- production settings for plain http on this machine ------------------------------------------
if [ ! -s "$VAR/secret_key" ]; then
  (umask 077; $UV run python -c 'import secrets; print(secrets.token_urlsafe(50))' > "$VAR/secret_key")
fi
chmod 600 "$VAR/secret_key"
SECRET_KEY=$(cat "$VAR/secret_key")
export SECRET_KEY
export SINOVDA_ENV=production
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-localhost,127.0.0.1}
# There is no TLS in front of this local server: with the redirect on, every page would send the
# browser to https://localhost:$PORT, where nothing listens. On a real server nginx terminates TLS and
# the redirect stays on. Cookies stay Secure; browsers accept Secure cookies from http://localhost.
export SECURE_SSL_REDIRECT=false
export PRIVATE_MEDIA_ROOT=${PRIVATE_MEDIA_ROOT:-$VAR/private}
mkdir -p "$PRIVATE_MEDIA_ROOT"

say "migrate, collectstatic"
manage migrate --no-input -v 0
manage collectstatic --no-input -v 0
if [ "$($UV run python manage.py shell -v 0 -c 'from sinovda.regions.models import Region; print(int(Region.objects.exists()))' | tail -n 1)" != 1 ]; then
  say "empty database: loading editions, regions and the demo region"
  manage load_editions
  manage load_demo
fi

# --- the web server and the worker -----------------------------------------------------------------
# The virtualenv's python directly (not through `uv run`): the pids below are the servers themselves,
# so a TERM reaches them.
PY=$($UV run python -c 'import sys; print(sys.executable)')
say "web: http://127.0.0.1:$PORT/  (Ctrl+C stops everything)"
# granian in its own session: Ctrl+C sends SIGINT to the whole terminal group, and granian's
# processes that get it at the same time as their master hang until killed (30 s); the trap below
# sends the master a TERM instead, which stops it in a second or two.
GRANIAN_PORT=$PORT PROMETHEUS_MULTIPROC_DIR="$VAR/prometheus-$PORT" setsid "$PY" deploy/web.py &
pids+=($!)
"$PY" manage.py run_worker &
pids+=($!)
# Either one ending ends the session: a server without its worker is not what production runs.
set +e
wait -n "${pids[@]}"
rc=$?
set -e
say "a process ended (exit $rc); stopping the rest"
exit "$rc"
