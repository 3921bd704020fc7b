# Helpers to run a throwaway PostgreSQL cluster on a free loopback port. Source this file.
# start_throwaway_postgres sets CREDIT_PG_PORT, CREDIT_PG_DIR and CREDIT_TEST_POSTGRES_URL;
# stop_throwaway_postgres stops the server and removes its files.

postgres_bin_dir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start_throwaway_postgres() {
    local bin runas
    bin=$(postgres_bin_dir) || { echo "PostgreSQL server binaries not found" >&2; return 1; }
    CREDIT_PG_DIR=$(mktemp -d /tmp/credit-pg.XXXXXX)
    CREDIT_PG_PORT=$(free_port)
    runas=()
    if [ "$(id -u)" = 0 ]; then
        chown postgres:postgres "$CREDIT_PG_DIR"
        runas=(runuser -u postgres --)
    fi
    "${runas[@]}" "$bin/initdb" -D "$CREDIT_PG_DIR/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$CREDIT_PG_DIR/initdb.log" 2>&1 \
        || { cat "$CREDIT_PG_DIR/initdb.log" >&2; return 1; }
    "${runas[@]}" "$bin/pg_ctl" -D "$CREDIT_PG_DIR/data" -l "$CREDIT_PG_DIR/server.log" -w -t 60 \
        -o "-p $CREDIT_PG_PORT -c listen_addresses=127.0.0.1 -k $CREDIT_PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null || { cat "$CREDIT_PG_DIR/server.log" >&2; return 1; }
    CREDIT_PG_BIN=$bin
    export CREDIT_PG_PORT CREDIT_PG_DIR CREDIT_PG_BIN
    export CREDIT_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$CREDIT_PG_PORT/postgres"
    echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') started on 127.0.0.1:$CREDIT_PG_PORT" >&2
}

stop_throwaway_postgres() {
    [ -n "${CREDIT_PG_DIR:-}" ] && [ -d "$CREDIT_PG_DIR/data" ] || return 0
    local runas=()
    [ "$(id -u)" = 0 ] && runas=(runuser -u postgres --)
    "${runas[@]}" "$CREDIT_PG_BIN/pg_ctl" -D "$CREDIT_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$CREDIT_PG_DIR"
    CREDIT_PG_DIR=
}
