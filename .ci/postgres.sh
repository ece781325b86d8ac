#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the PostgreSQL test suites (used by .ci/run and by developers).
#
#   eval "$(.ci/postgres.sh start)"   # initdb in a temp dir, start on a free 127.0.0.1 port,
#                                     # create a database; prints the exports:
#                                     #   CRESCENT_TEST_POSTGRES=postgres://crescent@127.0.0.1:PORT/crescent_test
#                                     #   CRESCENT_TEST_POSTGRES_DIR=<cluster dir>
#                                     #   CRESCENT_TEST_POSTGRES_CA=<the test CA's PEM file>
#   .ci/postgres.sh stop "$CRESCENT_TEST_POSTGRES_DIR"   # stops the cluster and deletes its dir
#
# Needs Debian's `postgresql` package (its binaries live in /usr/lib/postgresql/<version>/bin) and
# `openssl`: the cluster serves TLS (plain too) with a certificate for 127.0.0.1 signed by a CA
# made for this cluster alone, so the suites can connect with sslmode=require and verify-full.
# initdb refuses to run as root, so as root the cluster runs as the `postgres` system user.
# Authentication is `trust` on 127.0.0.1 only: the cluster is private to this machine and deleted
# at the end; never use these settings for a real deployment (see docs/DEPLOY.md).
set -euo pipefail

bin_dir() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -n "$d" ] && [ -x "$d/initdb" ] || { echo "postgres.sh: no PostgreSQL under /usr/lib/postgresql (apt-get install postgresql)" >&2; exit 1; }
    echo "$d"
}

# Runs a PostgreSQL binary as the cluster's owner.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A throwaway CA and a server certificate for 127.0.0.1/localhost it signed, valid two days.
make_certificates() {
    local tls=$1
    mkdir -p "$tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj "/CN=Crescent test CA" -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign" -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n' \
        > "$tls/server.ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 2 \
        -extfile "$tls/server.ext" -out "$tls/server.pem" 2>/dev/null
    rm -f "$tls/ca.key" "$tls/server.csr"
    chmod 600 "$tls/server.key"
    [ "$(id -u)" -eq 0 ] && chown -R postgres: "$tls"
    return 0
}

free_port() {
    local p
    for _ in $(seq 1 200); do
        p=$(( 20000 + RANDOM % 30000 ))
        # Nothing answers on it: free (a race with another starter is caught by pg_ctl failing).
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
    done
    echo "postgres.sh: no free port found" >&2; exit 1
}

start() {
    local bin dir port
    bin=$(bin_dir)
    dir=$(mktemp -d "${TMPDIR:-/tmp}/crescent-pg.XXXXXX")
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U crescent --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    make_certificates "$dir/tls" || { echo "postgres.sh: openssl could not make the test certificates" >&2; exit 1; }
    for attempt in 1 2 3; do
        port=$(free_port)
        # Sockets in the cluster dir (not /var/run/postgresql, which may not exist or be writable).
        if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=off -c ssl=on -c ssl_cert_file=$dir/tls/server.pem -c ssl_key_file=$dir/tls/server.key" start >/dev/null; then
            break
        fi
        [ "$attempt" -eq 3 ] && { cat "$dir/server.log" >&2; exit 1; }
    done
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U crescent crescent_test
    echo "export CRESCENT_TEST_POSTGRES=postgres://crescent@127.0.0.1:$port/crescent_test"
    echo "export CRESCENT_TEST_POSTGRES_DIR=$dir"
    echo "export CRESCENT_TEST_POSTGRES_CA=$dir/tls/ca.pem"
}

stop() {
    local dir=${1:?usage: postgres.sh stop DIR}
    [ -d "$dir/data" ] || { echo "postgres.sh: $dir is not a cluster dir" >&2; exit 1; }
    as_owner "$(bin_dir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    rm -rf "$dir"
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
