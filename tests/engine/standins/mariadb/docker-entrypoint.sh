#!/usr/bin/env bash
# Entrypoint of the mariadb:11.8 stand-in.
#
# Implements the parts of the official image's entrypoint that berth's
# generated compose files rely on:
#   - MARIADB_ROOT_PASSWORD, MARIADB_USER, MARIADB_PASSWORD, MARIADB_DATABASE,
#     MARIADB_ROOT_HOST, each also as *_FILE, with the MYSQL_* aliases;
#     MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD;
#   - started as root: fix ownership of the datadir and the socket directory,
#     then step down to the mysql user with gosu;
#   - started as the mysql user: no capability needed, works on a read-only
#     root fs with tmpfs mounts on /run/mysqld and /tmp;
#   - empty datadir: mariadb-install-db, a temporary server with
#     --skip-networking (so `healthcheck.sh --connect` fails during init),
#     root password, database, user, the `healthcheck` users and
#     $DATADIR/.my-healthcheck.cnf, /docker-entrypoint-initdb.d/*.sql|*.sh;
#   - finally exec mariadbd listening on 0.0.0.0:3306.
set -Eeo pipefail
shopt -s nullglob

note() { printf '%s [Note] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$*"; }
error() {
  printf '%s [ERROR] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$*" >&2
  exit 1
}

file_env() {
  local var=$1 def=${2:-}
  local file_var="${var}_FILE"
  if [[ -n ${!var:-} && -n ${!file_var:-} ]]; then
    error "Both $var and $file_var are set (but are exclusive)"
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

# MYSQL_X and MARIADB_X (and their _FILE forms) end up with the same value.
mariadb_file_env() {
  local var=$1
  local maria="MARIADB_${var#MYSQL_}"
  file_env "$var" "${2:-}"
  file_env "$maria" "${!var}"
  if [[ -n ${!maria} ]]; then
    export "$var"="${!maria}"
  fi
}

# Value of a server setting, including the compiled-in defaults.
get_config() {
  local conf=$1
  shift
  "$@" --verbose --help 2>/dev/null \
    | awk -v conf="$conf" '$1 == conf && /^[^ \t]/ { sub(/^[^ \t]+[ \t]+/, ""); print; exit }'
}

setup_env() {
  DATADIR=$(get_config datadir "$@")
  SOCKET=$(get_config socket "$@")
  PORT=$(get_config port "$@")
  DATADIR=${DATADIR%/}
  mariadb_file_env MYSQL_ROOT_HOST '%'
  mariadb_file_env MYSQL_DATABASE
  mariadb_file_env MYSQL_USER
  mariadb_file_env MYSQL_PASSWORD
  mariadb_file_env MYSQL_ROOT_PASSWORD
  : "${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:=${MYSQL_ALLOW_EMPTY_PASSWORD:-}}"
  : "${MARIADB_RANDOM_ROOT_PASSWORD:=${MYSQL_RANDOM_ROOT_PASSWORD:-}}"
  : "${MARIADB_INITDB_SKIP_TZINFO:=${MYSQL_INITDB_SKIP_TZINFO:-}}"
  DATABASE_ALREADY_EXISTS=
  if [[ -d $DATADIR/mysql ]]; then
    DATABASE_ALREADY_EXISTS=true
  fi
}

create_directories() {
  mkdir -p "$DATADIR"
  if [[ $(id -u) == 0 ]]; then
    find "$DATADIR" \! -user mysql -exec chown mysql: '{}' +
    find "${SOCKET%/*}" -maxdepth 0 \! -user mysql -exec chown mysql: '{}' \;
  fi
}

verify_minimum_env() {
  if [[ -z $MARIADB_ROOT_PASSWORD && -z $MARIADB_ALLOW_EMPTY_ROOT_PASSWORD && -z $MARIADB_RANDOM_ROOT_PASSWORD ]]; then
    error "Database is uninitialized and password option is not specified. You need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD"
  fi
  if [[ -n $MARIADB_USER && -z $MARIADB_PASSWORD ]]; then
    error "MARIADB_USER is set but MARIADB_PASSWORD is not"
  fi
}

init_database_dir() {
  note "Initializing database files"
  mariadb-install-db --datadir="$DATADIR" --rpm --auth-root-authentication-method=normal \
    --cross-bootstrap --skip-test-db --old-mode='UTF8_IS_UTF8MB3' \
    --default-time-zone=SYSTEM --enforce-storage-engine= --skip-log-bin \
    --expire-logs-days=0 --loose-innodb_buffer_pool_load_at_startup=0 \
    --loose-innodb_buffer_pool_dump_at_shutdown=0
  note "Database files initialized"
}

# Root over the unix socket; without a password until setup_db has set it.
process_sql() {
  local pwd=$MARIADB_ROOT_PASSWORD
  if [[ ${1:-} == --no-root-password ]]; then
    pwd=
    shift
  fi
  MYSQL_PWD=$pwd mariadb --protocol=socket -uroot -hlocalhost --socket="$SOCKET" \
    --skip-ssl "$@"
}

temp_server_start() {
  "$@" --skip-networking --default-time-zone=SYSTEM --socket="$SOCKET" \
    --loose-wsrep_on=OFF --expire-logs-days=0 --skip-slave-start \
    --loose-innodb_buffer_pool_load_at_startup=0 \
    --skip-ssl --ssl-cert='' --ssl-key='' --ssl-ca='' &
  MARIADB_PID=$!
  note "Waiting for server startup"
  local i
  for i in {30..0}; do
    if process_sql --no-root-password --database=mysql <<<'SELECT 1' &>/dev/null; then
      break
    fi
    sleep 1
  done
  if [[ $i == 0 ]]; then
    error "Unable to start server."
  fi
}

temp_server_stop() {
  kill "$MARIADB_PID"
  wait "$MARIADB_PID"
}

# Escape $1 for use inside a single-quoted SQL string literal.
sql_escape() {
  local s=${1//\\/\\\\}
  s=${s//$'\n'/\\n}
  printf '%s' "${s//\'/\\\'}"
}

random_password() {
  head -c 48 /dev/urandom | base64 -w0 | tr -d '/+='
}

healthcheck_sql() {
  local pass=$1 host
  for host in 127.0.0.1 ::1 localhost; do
    printf "CREATE USER IF NOT EXISTS healthcheck@'%s' IDENTIFIED BY '%s';\n" "$host" "$pass"
    printf "SET PASSWORD FOR healthcheck@'%s' = PASSWORD('%s');\n" "$host" "$pass"
    printf "GRANT %s ON *.* TO healthcheck@'%s';\n" "${MARIADB_HEALTHCHECK_GRANTS:-USAGE}" "$host"
  done
}

setup_db() {
  if [[ -z $MARIADB_INITDB_SKIP_TZINFO && -d /usr/share/zoneinfo ]]; then
    mariadb-tzinfo-to-sql --skip-write-binlog /usr/share/zoneinfo 2>/dev/null \
      | process_sql --no-root-password --database=mysql
  fi
  if [[ -n $MARIADB_RANDOM_ROOT_PASSWORD ]]; then
    MARIADB_ROOT_PASSWORD=$(random_password)
    export MARIADB_ROOT_PASSWORD MYSQL_ROOT_PASSWORD=$MARIADB_ROOT_PASSWORD
    note "GENERATED ROOT PASSWORD: $MARIADB_ROOT_PASSWORD"
  fi
  local root_pw health_pw sql
  root_pw=$(sql_escape "$MARIADB_ROOT_PASSWORD")
  health_pw=$(random_password)
  sql="SET @@SESSION.SQL_LOG_BIN=0;
SET @@SESSION.SQL_MODE=REPLACE(@@SESSION.SQL_MODE, 'NO_BACKSLASH_ESCAPES', '');
DROP USER IF EXISTS root@'127.0.0.1', root@'::1';
EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@\'', @@hostname, '\'');
SET PASSWORD FOR 'root'@'localhost' = PASSWORD('$root_pw');
$(healthcheck_sql "$health_pw")"
  if [[ -n $MARIADB_ROOT_HOST && $MARIADB_ROOT_HOST != localhost ]]; then
    sql+="
CREATE USER 'root'@'$MARIADB_ROOT_HOST' IDENTIFIED BY '$root_pw';
GRANT ALL ON *.* TO 'root'@'$MARIADB_ROOT_HOST' WITH GRANT OPTION;
GRANT PROXY ON ''@'%' TO 'root'@'$MARIADB_ROOT_HOST' WITH GRANT OPTION;"
  fi
  if [[ -n $MARIADB_DATABASE ]]; then
    note "Creating database ${MARIADB_DATABASE}"
    sql+="
CREATE DATABASE IF NOT EXISTS \`${MARIADB_DATABASE//\`/\`\`}\`;"
  fi
  if [[ -n $MARIADB_USER ]]; then
    note "Creating user ${MARIADB_USER}"
    sql+="
CREATE USER '$(sql_escape "$MARIADB_USER")'@'%' IDENTIFIED BY '$(sql_escape "$MARIADB_PASSWORD")';"
    if [[ -n $MARIADB_DATABASE ]]; then
      sql+="
GRANT ALL ON \`${MARIADB_DATABASE//\`/\`\`}\`.* TO '$(sql_escape "$MARIADB_USER")'@'%';"
    fi
  fi
  process_sql --no-root-password --database=mysql --binary-mode <<<"$sql"

  local mask
  mask=$(umask -p)
  umask 0077
  printf '[mariadb-client]\nport=%s\nsocket=%s\nuser=healthcheck\npassword=%s\n' \
    "$PORT" "$SOCKET" "$health_pw" >"$DATADIR/.my-healthcheck.cnf"
  $mask
}

process_init_files() {
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    case $f in
      *.sh) note "$0: running $f"; "$f" ;;
      *.sql) note "$0: running $f"; process_sql --database="$MARIADB_DATABASE" <"$f" ;;
      *) note "$0: ignoring $f" ;;
    esac
  done
}

main() {
  if [[ ${1:0:1} == - ]]; then
    set -- mariadbd "$@"
  fi
  if [[ $1 == mariadbd || $1 == mysqld ]]; then
    setup_env "$@"
    create_directories
    if [[ $(id -u) == 0 ]]; then
      note "Switching to dedicated user 'mysql'"
      exec gosu mysql "${BASH_SOURCE[0]}" "$@"
    fi
    if [[ -z $DATABASE_ALREADY_EXISTS ]]; then
      verify_minimum_env
      init_database_dir
      note "Starting temporary server"
      temp_server_start "$@"
      note "Temporary server started."
      setup_db
      process_init_files
      note "Stopping temporary server"
      temp_server_stop
      note "Temporary server stopped"
      note "MariaDB init process done. Ready for start up."
    fi
    unset MARIADB_ROOT_PASSWORD MYSQL_ROOT_PASSWORD MARIADB_PASSWORD MYSQL_PASSWORD
  fi
  exec "$@"
}

main "$@"
