# Source me: starts a throw-away PostgreSQL 15 cluster on 127.0.0.1 and exports TEST_DATABASE_URL.
# `pg_down` stops it and removes its files (.ci/run calls it on exit).
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
export PGPORT=${PGPORT:-55432}
PGDATA_TMP=$(mktemp -d /tmp/pgtest.XXXXXX)
chown postgres:postgres "$PGDATA_TMP"
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA_TMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_TMP/data" -l "$PGDATA_TMP/log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA_TMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
runuser -u postgres -- "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres matchmaker_test
export TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/matchmaker_test"
pg_down() {
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_TMP/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA_TMP"
}
