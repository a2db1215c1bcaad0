#!/usr/bin/env bash
# healthcheck.sh of the mariadb:11.8 stand-in (subset of the official one).
#
# Runs the tests given as arguments, in order; exits 0 only if all pass.
#   --connect                   a TCP connection to 127.0.0.1 is accepted
#                               (fails while the init server runs with
#                               --skip-networking); an authentication error
#                               still counts as connected
#   --innodb_initialized        InnoDB finished crash recovery / start-up
#   --innodb_buffer_pool_loaded the buffer pool load has completed
# Options (before the tests they apply to):
#   --datadir=DIR               where .my-healthcheck.cnf lives (/var/lib/mysql)
#   --defaults-extra-file=FILE  client option file to use instead
#   --no-defaults               use no option file
# As upstream, a run that did not pass --connect ends with a connect test.
set -Eeuo pipefail

datadir=/var/lib/mysql
extra_file=
no_defaults=
connected=

client() {
  local opts=()
  if [[ -n $no_defaults ]]; then
    opts+=(--no-defaults)
  elif [[ -n $extra_file ]]; then
    opts+=("--defaults-extra-file=$extra_file")
  elif [[ -f $datadir/.my-healthcheck.cnf ]]; then
    opts+=("--defaults-extra-file=$datadir/.my-healthcheck.cnf")
  fi
  mariadb "${opts[@]}" --skip-ssl --skip-ssl-verify-server-cert \
    --batch --skip-column-names "$@"
}

connect() {
  local out
  out=$(client --protocol=tcp -h 127.0.0.1 -e 'SELECT @@skip_networking' 2>&1) || true
  case $out in
    0) connected=1 ;;
    # Access denied, account locked, expired password: the server answered.
    "ERROR 1045 "* | "ERROR 1820 "* | "ERROR 4151 "* | "ERROR 1226 "* | ERROR\ 1[0-9][0-9][0-9]\ \(28000\)*)
      connected=1 ;;
    *) return 1 ;;
  esac
}

innodb_initialized() {
  local out
  out=$(client --protocol=socket -e "SELECT 1 FROM information_schema.ENGINES WHERE engine='innodb' AND support IN ('YES', 'DEFAULT', 'ENABLED')")
  [[ $out == 1 ]]
}

innodb_buffer_pool_loaded() {
  local out
  out=$(client --protocol=socket -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='Innodb_buffer_pool_load_status'")
  [[ $out == *'load completed'* ]]
}

if (($# == 0)); then
  echo "At least one argument required" >&2
  exit 1
fi

for arg in "$@"; do
  case $arg in
    --datadir=*) datadir=${arg#*=} ;;
    --defaults-extra-file=*) extra_file=${arg#*=}; no_defaults= ;;
    --no-defaults) no_defaults=1 ;;
    --connect | --innodb_initialized | --innodb_buffer_pool_loaded)
      test=${arg#--}
      if ! "$test"; then
        echo "healthcheck $test failed" >&2
        exit 1
      fi
      ;;
    *)
      echo "healthcheck unknown option or test '$arg'" >&2
      exit 1
      ;;
  esac
done

if [[ -z $connected ]] && ! connect; then
  echo "healthcheck connect failed" >&2
  exit 1
fi
