#!/usr/bin/env bash
# Entrypoint of the postgres:18-trixie stand-in.
#
# Implements the parts of the official image's entrypoint that berth's
# generated compose files rely on:
#   - POSTGRES_PASSWORD / POSTGRES_USER / POSTGRES_DB, each also as *_FILE
#     (setting both forms is an error), plus POSTGRES_INITDB_ARGS and
#     POSTGRES_HOST_AUTH_METHOD (default scram-sha-256);
#   - started as root: fix ownership of PGDATA and the socket directory, then
#     step down to the postgres user with gosu;
#   - started as the postgres user (or any uid owning the volume): no
#     capability needed, works on a read-only root fs with tmpfs mounts on
#     /var/run/postgresql and /tmp;
#   - empty PGDATA: initdb, then a temporary server listening on the unix
#     socket only (so `pg_isready -h 127.0.0.1` fails during init), create the
#     database, run /docker-entrypoint-initdb.d/*.sql|*.sh, stop it;
#   - finally exec postgres listening on all addresses, port 5432.
set -Eeo pipefail

file_env() {
  local var=$1 def=${2:-}
  local file_var="${var}_FILE"
  if [[ -n ${!var:-} && -n ${!file_var:-} ]]; then
    printf 'error: both %s and %s are set (but are exclusive)\n' "$var" "$file_var" >&2
    exit 1
  fi
  local val=$def
  if [[ -n ${!var:-} ]]; then
    val=${!var}
  elif [[ -n ${!file_var:-} ]]; then
    val=$(<"${!file_var}")
  fi
  export "$var"="$val"
  unset "$file_var"
}

setup_env() {
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
  : "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"
  DATABASE_ALREADY_EXISTS=
  if [[ -s $PGDATA/PG_VERSION ]]; then
    DATABASE_ALREADY_EXISTS=true
  fi
}

create_directories() {
  local uid
  uid=$(id -u)
  mkdir -p "$PGDATA"
  chmod 00700 "$PGDATA" || :
  mkdir -p /var/run/postgresql || :
  chmod 03775 /var/run/postgresql || :
  if [[ $uid == 0 ]]; then
    find "$PGDATA" \! -user postgres -exec chown postgres: '{}' +
    find /var/run/postgresql \! -user postgres -exec chown postgres: '{}' +
  fi
}

verify_minimum_env() {
  if [[ -z $POSTGRES_PASSWORD && $POSTGRES_HOST_AUTH_METHOD != trust ]]; then
    cat >&2 <<'EOE'
Error: Database is uninitialized and superuser password is not specified.
       Set POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) to a non-empty value,
       or POSTGRES_HOST_AUTH_METHOD=trust to allow all connections without a
       password (not recommended).
EOE
    exit 1
  fi
}

init_database_dir() {
  # --pwfile reads the password from a file descriptor: it never shows up in
  # the process list.
  # shellcheck disable=SC2086  # POSTGRES_INITDB_ARGS is a word list
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
    --auth-local=trust --auth-host="$POSTGRES_HOST_AUTH_METHOD" \
    $POSTGRES_INITDB_ARGS
}

setup_hba_conf() {
  {
    printf '\n'
    printf 'host all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD"
  } >>"$PGDATA/pg_hba.conf"
}

temp_server_start() {
  # Unix socket only: nothing can reach the server over TCP during init.
  PGUSER=$POSTGRES_USER pg_ctl -D "$PGDATA" -w \
    -o "-c listen_addresses='' -p 5432" start
}

temp_server_stop() {
  PGUSER=$POSTGRES_USER pg_ctl -D "$PGDATA" -m fast -w stop
}

psql_init() {
  PGPASSWORD=$POSTGRES_PASSWORD psql -v ON_ERROR_STOP=1 --no-psqlrc \
    --username "$POSTGRES_USER" --no-password "$@"
}

setup_db() {
  local exists
  exists=$(psql_init --dbname postgres -tA --set db="$POSTGRES_DB" <<'EOSQL'
SELECT 1 FROM pg_database WHERE datname = :'db';
EOSQL
  )
  if [[ -z $exists ]]; then
    psql_init --dbname postgres --set db="$POSTGRES_DB" <<'EOSQL'
CREATE DATABASE :"db";
EOSQL
  fi
}

process_init_files() {
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    case $f in
      *.sh) printf '%s: running %s\n' "$0" "$f"; "$f" ;;
      *.sql) printf '%s: running %s\n' "$0" "$f"; psql_init --dbname "$POSTGRES_DB" -f "$f" ;;
      *) if [[ -e $f ]]; then printf '%s: ignoring %s\n' "$0" "$f"; fi ;;
    esac
  done
}

main() {
  if [[ ${1:0:1} == - ]]; then
    set -- postgres "$@"
  fi
  if [[ $1 == postgres ]]; then
    setup_env
    create_directories
    if [[ $(id -u) == 0 ]]; then
      exec gosu postgres "${BASH_SOURCE[0]}" "$@"
    fi
    if [[ -z $DATABASE_ALREADY_EXISTS ]]; then
      verify_minimum_env
      init_database_dir
      setup_hba_conf
      temp_server_start
      setup_db
      process_init_files
      temp_server_stop
      printf '\nPostgreSQL init process complete; ready for start up.\n\n'
    else
      printf '\nPostgreSQL Database directory appears to contain a database; Skipping initialization\n\n'
    fi
    unset POSTGRES_PASSWORD PGPASSWORD
  fi
  exec "$@"
}

main "$@"
