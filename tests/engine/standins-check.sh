#!/usr/bin/env bash
# Prove on the local engine that each base image (stand-in or real) honours
# the contract berth's generated files rely on. One line per check; exits
# non-zero if any check fails. Uses only containers, networks and volumes it
# creates (named berth-e2e-check-*), and removes them on exit.
#
# Usage: standins-check.sh [python|distroless|postgres|mariadb|rust|static ...]
#
# shellcheck disable=SC2016  # the single-quoted commands run in containers
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

PREFIX=${E2E_PREFIX}check-$$-
NET=${PREFIX}net
TMP=$(mktemp -d)
FAILED=0
PASSED=0

cleanup() {
  local ids
  ids=$("$DOCKER" ps -aq --filter "label=$E2E_LABEL=standins-check-$$")
  if [[ -n $ids ]]; then
    # shellcheck disable=SC2086  # one id per word
    "$DOCKER" rm -f -v $ids >/dev/null 2>&1 || true
  fi
  "$DOCKER" network rm "$NET" >/dev/null 2>&1 || true
  "$DOCKER" volume ls -q --filter "label=$E2E_LABEL=standins-check-$$" \
    | xargs -r "$DOCKER" volume rm >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

L=(--label "$E2E_LABEL=standins-check-$$")

# check DESCRIPTION COMMAND...: run COMMAND, print one line, show output on failure.
check() {
  local desc=$1
  shift
  if "$@" >"$TMP/out" 2>&1; then
    printf 'ok    %s\n' "$desc"
    PASSED=$((PASSED + 1))
  else
    printf 'FAIL  %s\n' "$desc"
    tail -n 15 "$TMP/out" | sed 's/^/      | /'
    FAILED=$((FAILED + 1))
  fi
}

run() { "$DOCKER" run --rm "${L[@]}" "$@"; }
cfg() { "$DOCKER" image inspect -f "{{json .Config.$2}}" "$1"; }
expect() { # expect ACTUAL WANTED
  [[ $1 == "$2" ]] || { printf 'got:  %s\nwant: %s\n' "$1" "$2"; return 1; }
}
volume() { "$DOCKER" volume create "${L[@]}" "$PREFIX$1" >/dev/null && printf '%s' "$PREFIX$1"; }

# wait_ready SECONDS CONTAINER INIT_DONE_LOG_LINE PROBE...: poll PROBE; when it
# first passes, the entrypoint must already have logged the end of its init
# (the init server must never look ready).
wait_ready() {
  local timeout=$1 name=$2 done_line=$3 i
  shift 3
  for ((i = 0; i < timeout * 2; i++)); do
    if "$DOCKER" exec "$name" "$@" >/dev/null 2>&1; then
      "$DOCKER" logs "$name" 2>&1 | grep -qF "$done_line" \
        || { echo "ready before the init finished"; return 1; }
      return 0
    fi
    [[ $("$DOCKER" inspect -f '{{.State.Running}}' "$name") == true ]] || break
    sleep 0.5
  done
  echo "not ready after ${timeout}s"
  "$DOCKER" logs "$name" 2>&1 | tail -n 20
  return 1
}

check_python() {
  local img=${STANDIN_REFS[python]}
  echo "== $img"
  check "config: CMD [python3], runs as root, PATH starts with /usr/local/bin" \
    bash -c "[[ \$($DOCKER image inspect -f '{{json .Config.Cmd}} {{.Config.User}}' $img) == '[\"python3\"] ' ]] &&
      $DOCKER image inspect -f '{{json .Config.Env}}' $img | grep -q '\"PATH=/usr/local/bin:'"
  check "/usr/local/bin/python, python3, pip, pip3 run" \
    run "$img" sh -euc 'for c in python python3 pip pip3; do /usr/local/bin/$c --version; done'
  check "not externally managed, no /usr/bin/python, Python.h present" \
    run "$img" sh -euc '! ls /usr/lib/python3*/EXTERNALLY-MANAGED && [ ! -e /usr/bin/python ] &&
      test -f "$(python3 -c "import sysconfig; print(sysconfig.get_path(\"include\"))")/Python.h"'
  check "no compiler (gcc, cc, c++)" \
    run "$img" sh -c '! command -v gcc && ! command -v cc && ! command -v c++'
  check "python -m venv gives a venv with pip" \
    run "$img" sh -euc 'python -m venv /opt/venv && /opt/venv/bin/pip --version'
  check "pip downloads six==1.16.0 from PyPI" \
    run "$img" sh -euc 'cd /tmp && pip download --no-deps six==1.16.0 && ls six-1.16.0-*.whl'
  check "docker-clean present; apt-get update && install works, leaves no caches" \
    run "$img" sh -euc 'test -f /etc/apt/apt.conf.d/docker-clean && apt-get update -qq &&
      apt-get install -y -qq --no-install-recommends libpq5 >/dev/null &&
      [ -z "$(find /var/cache/apt -name "*.bin" -o -name "*.deb")" ]'
}

check_distroless() {
  local img=${STANDIN_REFS[distroless]} py=${STANDIN_REFS[python]} sh vol
  echo "== $img"
  check "config: ENTRYPOINT [/usr/bin/python3.13], USER 65532:65532, WORKDIR /home/nonroot" \
    expect "$(cfg "$img" Entrypoint) $(cfg "$img" User) $(cfg "$img" WorkingDir)" \
    '["/usr/bin/python3.13"] "65532:65532" "/home/nonroot"'
  for sh in /bin/sh /bin/bash /usr/bin/dash /busybox/sh; do
    check "no shell: --entrypoint $sh fails" bash -c "! $DOCKER run --rm ${L[*]} --entrypoint $sh $img -c true"
  done
  check "runs as 65532:65532 in /home/nonroot; python, python3 -> python3.13" \
    run "$img" -c 'import os
assert (os.getuid(), os.getgid()) == (65532, 65532), os.getuid()
assert os.getcwd() == "/home/nonroot"
assert os.path.realpath("/usr/bin/python") == os.path.realpath("/usr/bin/python3") == "/usr/bin/python3.13"'
  check "import ssl, sqlite3, json, ctypes; default TLS context loads CAs" \
    run "$img" -c 'import ssl, sqlite3, json, ctypes, zlib
assert ssl.create_default_context().cert_store_stats()["x509_ca"] > 0'
  check "/home/nonroot 0700 owned 65532, /tmp 1777, no apt/dpkg/coreutils" \
    run "$img" -c 'import os, stat
h = os.stat("/home/nonroot"); t = os.stat("/tmp")
assert (stat.S_IMODE(h.st_mode), h.st_uid) == (0o700, 65532)
assert stat.S_IMODE(t.st_mode) == 0o1777
bad = [p for p in ("/usr/bin/apt", "/usr/bin/dpkg", "/var/lib/dpkg", "/usr/bin/ls", "/usr/bin/env", "/usr/bin/gcc") if os.path.lexists(p)]
assert not bad, bad
assert sorted(os.listdir("/usr/bin")) == ["python", "python3", "python3.13"], os.listdir("/usr/bin")'
  vol=$(volume venv)
  check "venv made in $py via /usr/bin/python runs in $img" bash -c "
    $DOCKER run --rm ${L[*]} -v $vol:/opt/venv $py sh -euc \
      'ln -sf /usr/local/bin/python /usr/bin/python && /usr/bin/python -m venv /opt/venv &&
       /opt/venv/bin/pip install -q six==1.16.0 && test \"\$(readlink /opt/venv/bin/python)\" = /usr/bin/python' &&
    $DOCKER run --rm ${L[*]} --read-only --cap-drop ALL -v $vol:/opt/venv:ro \
      --entrypoint /opt/venv/bin/python $img -c 'import six, sys; assert sys.prefix == \"/opt/venv\"'"
}

check_postgres() {
  local img=${STANDIN_REFS[postgres]} c=${PREFIX}pg vol
  echo "== $img"
  check "config: PGDATA, VOLUME, EXPOSE 5432, STOPSIGNAL SIGINT, ENTRYPOINT/CMD" \
    expect "$(cfg "$img" Volumes) $(cfg "$img" ExposedPorts) $(cfg "$img" StopSignal) $(cfg "$img" Entrypoint) $(cfg "$img" Cmd)" \
    '{"/var/lib/postgresql":{}} {"5432/tcp":{}} "SIGINT" ["docker-entrypoint.sh"] ["postgres"]'
  check "PGDATA=/var/lib/postgresql/18/docker; pg tools on PATH; dirs owned by 999" \
    run "$img" bash -euc '[[ $PGDATA == /var/lib/postgresql/18/docker ]] && command -v pg_isready postgres initdb psql &&
      [[ $(stat -c "%u %g" /var/lib/postgresql) == "999 999" && $(stat -c "%u %a" /var/run/postgresql) == "999 3777" ]] &&
      [[ $(id -u postgres):$(id -g postgres) == 999:999 ]]'
  printf 's3cret-pg' >"$TMP/pg_password" && chmod 0444 "$TMP/pg_password"
  "$DOCKER" network inspect "$NET" >/dev/null 2>&1 || "$DOCKER" network create "${L[@]}" "$NET" >/dev/null
  vol=$(volume pgdata)
  check "starts as 999:999, read-only, cap-drop ALL, tmpfs, password file" \
    "$DOCKER" run -d "${L[@]}" --name "$c" --network "$NET" --user 999:999 --read-only \
    --cap-drop ALL --security-opt no-new-privileges \
    --tmpfs /var/run/postgresql:uid=999,gid=999,mode=3775 --tmpfs /tmp:uid=999,gid=999,mode=1777 \
    -v "$vol:/var/lib/postgresql" -v "$TMP/pg_password:/run/secrets/pg_password:ro" \
    -e POSTGRES_PASSWORD_FILE=/run/secrets/pg_password -e POSTGRES_USER=app -e POSTGRES_DB=pipeline "$img"
  check "pg_isready -h 127.0.0.1 passes, and only after the init" \
    wait_ready 60 "$c" 'PostgreSQL init process complete' pg_isready -h 127.0.0.1 -p 5432 -U app -d pipeline
  check "psql over TCP from a second container with the password" \
    expect "$(run --network "$NET" -e PGPASSWORD=s3cret-pg "$img" \
      psql -h "$c" -U app -d pipeline -tAc 'SELECT current_user || current_database()' 2>&1)" apppipeline
  check "a wrong password is refused over TCP" \
    bash -c "! $DOCKER run --rm ${L[*]} --network $NET -e PGPASSWORD=wrong $img psql -h $c -U app -d pipeline -c 'SELECT 1'"
  check "restart keeps the data (init skipped) and becomes ready again" bash -c "
    $DOCKER restart -t 30 $c >/dev/null &&
    for i in \$(seq 60); do $DOCKER exec $c pg_isready -q -h 127.0.0.1 && break; sleep 0.5; done &&
    $DOCKER logs $c 2>&1 | grep -q 'Skipping initialization' &&
    $DOCKER run --rm ${L[*]} --network $NET -e PGPASSWORD=s3cret-pg $img psql -h $c -U app -d pipeline -c 'SELECT 1'"
  check "started as root: steps down to uid 999" bash -c "
    id=\$($DOCKER run -d ${L[*]} -e POSTGRES_PASSWORD=x $img) &&
    for i in \$(seq 60); do $DOCKER exec \$id pg_isready -q -h 127.0.0.1 && break; sleep 0.5; done &&
    $DOCKER exec \$id awk '/^Uid:/ { exit \$2 != 999 }' /proc/1/status"
  check "POSTGRES_PASSWORD together with POSTGRES_PASSWORD_FILE is an error" bash -c "
    ! out=\$($DOCKER run --rm ${L[*]} -e POSTGRES_PASSWORD=x -e POSTGRES_PASSWORD_FILE=/etc/hostname $img 2>&1) &&
    grep -q 'are exclusive' <<<\"\$out\""
}

check_mariadb() {
  local img=${STANDIN_REFS[mariadb]} c=${PREFIX}db vol
  echo "== $img"
  check "config: VOLUME /var/lib/mysql, EXPOSE 3306, ENTRYPOINT/CMD" \
    expect "$(cfg "$img" Volumes) $(cfg "$img" ExposedPorts) $(cfg "$img" Entrypoint) $(cfg "$img" Cmd)" \
    '{"/var/lib/mysql":{}} {"3306/tcp":{}} ["docker-entrypoint.sh"] ["mariadbd"]'
  check "mysql is 999:999, owns /var/lib/mysql; /run/mysqld 1777; healthcheck.sh on PATH" \
    run "$img" bash -euc '[[ $(id -u mysql):$(id -g mysql) == 999:999 && $(stat -c %u /var/lib/mysql) == 999 &&
      $(stat -c %a /run/mysqld) == 1777 ]] && command -v healthcheck.sh mariadbd mariadb'
  printf 'r00t-pw' >"$TMP/db_root_password" && printf 'app-pw' >"$TMP/db_password"
  chmod 0444 "$TMP/db_root_password" "$TMP/db_password"
  "$DOCKER" network inspect "$NET" >/dev/null 2>&1 || "$DOCKER" network create "${L[@]}" "$NET" >/dev/null
  vol=$(volume mysql)
  check "starts as 999:999, read-only, cap-drop ALL, tmpfs, password files" \
    "$DOCKER" run -d "${L[@]}" --name "$c" --network "$NET" --user 999:999 --read-only \
    --cap-drop ALL --security-opt no-new-privileges \
    --tmpfs /run/mysqld:uid=999,gid=999,mode=1777 --tmpfs /tmp:uid=999,gid=999,mode=1777 \
    -v "$vol:/var/lib/mysql" -v "$TMP/db_root_password:/run/secrets/db_root_password:ro" \
    -v "$TMP/db_password:/run/secrets/db_password:ro" \
    -e MARIADB_ROOT_PASSWORD_FILE=/run/secrets/db_root_password -e MARIADB_DATABASE=pipeline \
    -e MARIADB_USER=app -e MARIADB_PASSWORD_FILE=/run/secrets/db_password "$img"
  check "healthcheck.sh --connect --innodb_initialized passes, and only after the init" \
    wait_ready 90 "$c" 'init process done' healthcheck.sh --connect --innodb_initialized
  check ".my-healthcheck.cnf is 0600, owned by mysql" \
    expect "$("$DOCKER" exec "$c" stat -c '%a %u' /var/lib/mysql/.my-healthcheck.cnf)" '600 999'
  check "client login over TCP from a second container (app and root)" \
    expect "$(run --network "$NET" -e MYSQL_PWD=app-pw "$img" mariadb -h "$c" -u app pipeline -BNe 'SELECT DATABASE()' 2>&1) \
$(run --network "$NET" -e MYSQL_PWD=r00t-pw "$img" mariadb -h "$c" -u root -BNe 'SELECT 1' 2>&1)" 'pipeline 1'
  check "a wrong password is refused over TCP" \
    bash -c "! $DOCKER run --rm ${L[*]} --network $NET -e MYSQL_PWD=nope $img mariadb -h $c -u app -e 'SELECT 1'"
  check "healthcheck.sh --connect fails when nothing listens" \
    bash -c "! $DOCKER run --rm ${L[*]} $img healthcheck.sh --connect"
}

check_rust() {
  local img=${STANDIN_REFS[rust]} version
  version=${img#*:}
  version=${version%%-*}
  check "rustc, cargo and rustup $version on PATH from /usr/local/cargo/bin" \
    expect "$(run "$img" sh -c 'command -v cargo; command -v rustup; rustc --version | cut -d" " -f1-2')" \
    "/usr/local/cargo/bin/cargo
/usr/local/cargo/bin/rustup
rustc $version"
  check "RUSTUP_HOME and CARGO_HOME as the official image, writable by any user" \
    run -u 12345 "$img" sh -c 'test "$RUSTUP_HOME" = /usr/local/rustup && test "$CARGO_HOME" = /usr/local/cargo &&
      touch "$RUSTUP_HOME/w" "$CARGO_HOME/w"'
  check "gcc and the C library headers (the -slim images have them)" \
    run "$img" sh -c 'gcc --version && test -f /usr/include/stdio.h'
  check "rustup adds the musl target from static.rust-lang.org" \
    run "$img" rustup target add x86_64-unknown-linux-musl
}

check_static() {
  local img=${STANDIN_REFS[static]} c=${PREFIX}static
  check "USER 65532, WORKDIR /home/nonroot" expect "$(cfg "$img" User) $(cfg "$img" WorkingDir)" '"65532" "/home/nonroot"'
  check "SSL_CERT_FILE names the bundle" grep -q '"SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"' <(cfg "$img" Env)
  check "no shell, no executable at all" \
    bash -c "! $DOCKER run --rm ${L[*]} $img /bin/sh -c true 2>/dev/null"
  "$DOCKER" create "${L[@]}" --name "$c" "$img" /none >/dev/null
  check "CA bundle, zoneinfo, passwd with nonroot 65532, /tmp 1777" \
    bash -c "$DOCKER export $c | tar -tvf - | awk '{print \$1, \$NF}' | grep -E \
      '^-.* etc/ssl/certs/ca-certificates.crt\$|^d.* usr/share/zoneinfo/\$|^-.* etc/passwd\$|^drwxrwxrwt tmp/\$' | wc -l | grep -qx 4 &&
      $DOCKER cp $c:/etc/passwd - | tar -xOf - | grep -qx 'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin'"
  "$DOCKER" rm "$c" >/dev/null
}

T0=$(now)
names=("$@")
((${#names[@]})) || names=("${STANDIN_NAMES[@]}")
for name in "${names[@]}"; do
  [[ -n ${STANDIN_REFS[$name]:-} ]] || { echo "unknown image: $name" >&2; exit 2; }
  "$DOCKER" image inspect "${STANDIN_REFS[$name]}" >/dev/null 2>&1 \
    || { echo "missing image ${STANDIN_REFS[$name]}: run tests/engine/standins.sh" >&2; exit 2; }
  "check_$name"
done
printf '%d passed, %d failed (%ss)\n' "$PASSED" "$FAILED" "$(($(now) - T0))"
((FAILED == 0))
