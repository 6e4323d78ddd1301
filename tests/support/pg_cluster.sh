# A throwaway PostgreSQL server for a test or a benchmark: a new cluster in a
# temporary folder, listening only on a Unix socket in that folder, trusted
# for local connections, stopped and deleted when the caller exits.
#   . tests/support/pg_cluster.sh; pg_cluster_start "$WORK/pg"   # sets PGHOST, PGPORT, PGUSER, PGDATABASE
#   ... psql / cpe audit --query ...
#   pg_cluster_pause / pg_cluster_resume                        # stop the server, start it again (same data)
#   pg_cluster_stop                                             # also run by the caller's EXIT trap
# PG_CLUSTER_FSYNC=on keeps fsync (a benchmark of durable commits); tests
# leave it off, as nothing they check needs the data to survive a power cut.
# PostgreSQL refuses to run as root, so as root the server runs as the
# `postgres` user Debian's package creates.

pg_cluster_bin() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -n "$d" ] && [ -x "$d/initdb" ] || { echo "PostgreSQL server programs not found: make setup-test installs Debian's postgresql" >&2; return 1; }
    echo "$d"
}

pg_cluster_as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_cluster_start() {
    PG_CLUSTER_DIR=$1
    PG_CLUSTER_BIN=$(pg_cluster_bin) || return 1
    mkdir -p "$PG_CLUSTER_DIR"
    [ "$(id -u)" = 0 ] && chown postgres: "$PG_CLUSTER_DIR"
    pg_cluster_as_owner "$PG_CLUSTER_BIN/initdb" -D "$PG_CLUSTER_DIR/data" -U cpe --auth=trust \
        -E UTF8 --locale=C.UTF-8 >"$PG_CLUSTER_DIR/initdb.log" 2>&1 ||
        { cat "$PG_CLUSTER_DIR/initdb.log" >&2; return 1; }
    export PGHOST=$PG_CLUSTER_DIR PGPORT=${PG_CLUSTER_PORT:-54329} PGUSER=cpe PGDATABASE=postgres
    pg_cluster_resume
}

pg_cluster_resume() {
    pg_cluster_as_owner "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -l "$PG_CLUSTER_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses= -c unix_socket_directories=$PG_CLUSTER_DIR -p $PGPORT -c fsync=${PG_CLUSTER_FSYNC:-off}" \
        start >/dev/null || { cat "$PG_CLUSTER_DIR/server.log" >&2; return 1; }
}

# A fast shutdown: sessions are ended, as when the server is stopped or fails.
pg_cluster_pause() {
    pg_cluster_as_owner "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -m fast -w stop >/dev/null
}

pg_cluster_stop() {
    [ -n "${PG_CLUSTER_DIR:-}" ] && [ -d "$PG_CLUSTER_DIR/data" ] || return 0
    pg_cluster_as_owner "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    PG_CLUSTER_DIR=
}
