#!/bin/bash
# Postgres image init script (docker-compose.yml mounts it into /docker-entrypoint-initdb.d):
# creates each database named in POSTGRES_MULTIPLE_DATABASES (comma-separated) on the first
# start of an empty data directory. The official image only creates POSTGRES_DB.
set -euo pipefail
IFS=',' read -ra names <<< "${POSTGRES_MULTIPLE_DATABASES:-}"
for name in "${names[@]}"; do
    name="$(echo "$name" | tr -d '[:space:]')"
    [ -n "$name" ] || continue
    echo "creating database $name"
    psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
        -c "CREATE DATABASE \"$name\""
done
