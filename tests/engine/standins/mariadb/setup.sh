#!/bin/sh
# Runs as root inside a throw-away container of the trixie base rootfs; the
# result is exported as the mariadb:11.8 stand-in.
set -eu
export DEBIAN_FRONTEND=noninteractive

# Pin the ids before the package creates the user.
groupadd -r -g 999 mysql
useradd -r -g mysql -u 999 --home-dir=/var/lib/mysql --shell=/usr/sbin/nologin mysql

printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod 0755 /usr/sbin/policy-rc.d
apt-get update -qq
apt-get install -y -qq --no-install-recommends mariadb-server mariadb-client gosu tzdata >/dev/null
rm -f /usr/sbin/policy-rc.d
mariadbd --version
gosu nobody true

# As the official image: an empty datadir owned by mysql, a socket dir any
# uid can use, no bind-address/log/user lines, no reverse DNS lookups.
rm -rf /var/lib/mysql
mkdir -p /var/lib/mysql /run/mysqld
chown -R mysql:mysql /var/lib/mysql /run/mysqld
chmod 1777 /run/mysqld
find /etc/mysql/ -name '*.cnf' -print0 \
  | xargs -0 grep -lZE '^(bind-address|log|user\s)' \
  | xargs -rt -0 sed -Ei 's/^(bind-address|log|user\s)/#&/'
printf '[mariadb]\nhost-cache-size=0\nskip-name-resolve\n' >/etc/mysql/mariadb.conf.d/05-skipcache.cnf

mkdir -p /docker-entrypoint-initdb.d
install -m 0755 /recipe/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
install -m 0755 /recipe/healthcheck.sh /usr/local/bin/healthcheck.sh
