# A throwaway Postgres cluster for the tests (sourced by .ci/run): pg_cluster_start installs
# Debian's postgresql when its binaries are missing, initdb's a cluster in a temporary folder, starts
# it on 127.0.0.1 on a free port (its unix socket in that folder) and exports PEDIGREE_TEST_PG;
# pg_cluster_stop stops it and removes the folder. Postgres refuses to run as root: as root, the
# binaries run as the postgres user (else nobody), which owns the folder.

pg_cluster_bin() {
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return
  fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && echo "$d"
}

pg_cluster_as() {
  if [ "$(id -u)" != 0 ]; then "$@"; return; fi
  runuser -u "$PG_CLUSTER_USER" -- "$@"
}

pg_cluster_start() {
  PG_CLUSTER_BIN=$(pg_cluster_bin || true)
  if [ -z "$PG_CLUSTER_BIN" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PG_CLUSTER_BIN=$(pg_cluster_bin)
  fi
  PG_CLUSTER_USER=postgres
  id -u postgres >/dev/null 2>&1 || PG_CLUSTER_USER=nobody
  PG_CLUSTER_DIR=$(mktemp -d /tmp/pedigree-ci-pg.XXXXXX)
  [ "$(id -u)" = 0 ] && chown "$PG_CLUSTER_USER" "$PG_CLUSTER_DIR"
  local port
  port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  pg_cluster_as "$PG_CLUSTER_BIN/initdb" -D "$PG_CLUSTER_DIR/data" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
  pg_cluster_as "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -l "$PG_CLUSTER_DIR/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_CLUSTER_DIR -c fsync=off -c max_connections=200" start >/dev/null
  export PEDIGREE_TEST_PG="postgres://postgres@127.0.0.1:$port/postgres"
  echo "Postgres $("$PG_CLUSTER_BIN/postgres" --version | awk '{print $3}') for the tests at $PEDIGREE_TEST_PG"
}

pg_cluster_stop() {
  if [ -n "${PG_CLUSTER_DIR:-}" ] && [ -d "$PG_CLUSTER_DIR" ]; then
    pg_cluster_as "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_CLUSTER_DIR"
  fi
}
