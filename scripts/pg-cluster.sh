#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and the demo: initdb into a directory, a Unix socket in that
# directory and no TCP port, fsync and synchronous_commit on (as in production).
#   scripts/pg-cluster.sh start DIR [DBNAME]   prints the database URL (postgresql://qingfeng@/DBNAME?host=DIR)
#   scripts/pg-cluster.sh stop DIR             stops the server and removes DIR
#   scripts/pg-cluster.sh url DIR [DBNAME]     prints the URL again
#   scripts/pg-cluster.sh standby DIR PRIMARY_DIR [DBNAME]
#                                              a hot standby of the cluster in PRIMARY_DIR (pg_basebackup -R,
#                                              streaming, application_name qf_standby); prints its URL
#   scripts/pg-cluster.sh crash DIR            stops the server in immediate mode (as a crash: no checkpoint),
#                                              keeping DIR
#   scripts/pg-cluster.sh promote DIR          promotes a standby to primary and waits until it takes writes
# PostgreSQL refuses to run as root: as root, the server runs as the `postgres` system user (from the package), so
# DIR must be reachable by that user (a directory of its own under /tmp, as mktemp -d makes, is).
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:?usage: pg-cluster.sh start|stop|url|standby|crash|promote DIR ...}
dir=${2:?usage: pg-cluster.sh start|stop|url DIR [DBNAME]}
db=${3:-qingfeng}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $cmd in
  standby)
    primary=$(cd "${3:?usage: pg-cluster.sh standby DIR PRIMARY_DIR [DBNAME]}" && pwd)
    db=${4:-qingfeng}
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    as_owner "$PGBIN/pg_basebackup" -h "$primary" -U qingfeng -D "$dir/data" -R -X stream -c fast \
      >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; exit 1; }
    # Later settings win: the standby's own socket, and a name the primary can require for synchronous commit.
    cat >>"$dir/data/postgresql.auto.conf" <<CONF
unix_socket_directories = '$dir'
primary_conninfo = 'host=$primary user=qingfeng application_name=qf_standby'
CONF
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql://qingfeng@/$db?host=$dir"
    ;;
  crash)
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
    ;;
  promote)
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -w -t 60 promote >/dev/null
    ;;
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    as_owner "$PGBIN/initdb" -D "$dir/data" -U qingfeng --auth=trust --locale=C --encoding=UTF8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
fsync = on
synchronous_commit = on
max_connections = 200
shared_buffers = 256MB
wal_level = replica
max_wal_senders = 10
CONF
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    "$PGBIN/createdb" -h "$dir" -U qingfeng "$db"
    echo "postgresql://qingfeng@/$db?host=$dir"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  url)
    echo "postgresql://qingfeng@/$db?host=$(cd "$dir" && pwd)"
    ;;
  *)
    echo "pg-cluster.sh: unknown command $cmd" >&2
    exit 2
    ;;
esac
