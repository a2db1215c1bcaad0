#!/bin/sh
# Runs as root inside a throw-away container of the trixie base rootfs; the
# result is exported as the postgres:18-trixie stand-in.
set -eu
export DEBIAN_FRONTEND=noninteractive

# Pin the ids before the package creates the user (official image: 999).
groupadd -r -g 999 postgres
useradd -r -g postgres -u 999 --home-dir=/var/lib/postgresql --shell=/bin/bash postgres

# No cluster under /etc/postgresql: the entrypoint runs initdb on PGDATA.
mkdir -p /etc/postgresql-common/createcluster.d
echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/docker.conf

printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod 0755 /usr/sbin/policy-rc.d
apt-get update -qq
apt-get install -y -qq --no-install-recommends postgresql gosu locales >/dev/null
rm -f /usr/sbin/policy-rc.d

# The official image runs with LANG=en_US.utf8.
echo 'en_US.UTF-8 UTF-8' >>/etc/locale.gen
locale-gen >/dev/null
locale -a | grep -qx en_US.utf8

major=$(ls /usr/lib/postgresql)
bindir=/usr/lib/postgresql/$major/bin
"$bindir/postgres" --version
gosu nobody true

# Listen on all addresses by default, as the official image does.
sample=/usr/share/postgresql/$major/postgresql.conf.sample
sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" "$sample"
grep -F "listen_addresses = '*'" "$sample"

install -d -o postgres -g postgres -m 1777 /var/lib/postgresql
install -d -o postgres -g postgres -m 3777 /var/run/postgresql
mkdir -p /docker-entrypoint-initdb.d
install -m 0755 /recipe/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
