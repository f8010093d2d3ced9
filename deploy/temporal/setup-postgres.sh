#!/bin/sh
# Creates and migrates Temporal's two databases (run by the admin-tools job in
# docker-compose.yml). Safe to run on every `docker compose up`: a database that exists
# keeps its data and only gets the migrations it lacks.
set -eu

: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
PORT="${DB_PORT:-5432}"
SCHEMA=/etc/temporal/schema/postgresql/v12

sql() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$PORT" -u "$POSTGRES_USER" "$@"
}

prepare() {
  db=$1
  versions=$2
  if output=$(sql --db "$db" create 2>&1); then
    echo "created database $db"
    sql --db "$db" setup-schema -v 0.0
  elif echo "$output" | grep -q "already exists"; then
    echo "database $db exists"
  else
    echo "$output" >&2
    exit 1
  fi
  sql --db "$db" update-schema -d "$versions"
}

prepare temporal "$SCHEMA/temporal/versioned"
prepare temporal_visibility "$SCHEMA/visibility/versioned"
echo "Temporal schemas are up to date"
