#!/bin/sh
# Regenerate the WordPress import fixtures from a real WordPress (Debian's `wordpress` package).
#
#   apt-get install -y wordpress mariadb-server php-cli php-mysql php-gd
#   sh tests/cms/wordpress/generate_fixtures.sh
#
# Starts a private MariaDB (own data directory and socket, no TCP), installs WordPress into a
# copy of /usr/share/wordpress, creates the content in generate_fixtures.php through WordPress's
# own functions, and writes what Tools > Export writes (export_wp()) to fixtures/dinkes.xml with
# the site's wp-content/uploads next to it. Not run in CI: the committed fixtures are.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT="$HERE/fixtures"
WORK=$(mktemp -d /tmp/wpfixtures.XXXXXX)
SOCK="$WORK/mysql.sock"

cleanup() {
    if [ -f "$WORK/mariadb.pid" ]; then kill "$(cat "$WORK/mariadb.pid")" 2>/dev/null || true; sleep 2; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

mariadb-install-db --no-defaults --datadir="$WORK/db" --auth-root-authentication-method=normal \
    --skip-test-db --user="$(id -un)" >"$WORK/install.log" 2>&1
mariadbd --no-defaults --datadir="$WORK/db" --socket="$SOCK" --skip-networking \
    --pid-file="$WORK/mariadb.pid" --user="$(id -un)" >"$WORK/mariadb.log" 2>&1 &
for _ in $(seq 1 60); do [ -S "$SOCK" ] && break; sleep 0.5; done
mariadb --no-defaults --socket="$SOCK" -uroot -e "CREATE DATABASE wordpress CHARACTER SET utf8mb4"

cp -r /usr/share/wordpress "$WORK/wp"
rm -f "$WORK/wp/.htaccess"
mkdir -p "$WORK/wp/wp-content/uploads"
cat >"$WORK/wp/wp-config.php" <<PHP
<?php
define('DB_NAME', 'wordpress');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', 'localhost:$SOCK');
define('DB_CHARSET', 'utf8mb4');
define('WP_CONTENT_DIR', '$WORK/wp/wp-content');
if (!defined('ABSPATH')) { define('ABSPATH', '$WORK/wp/'); }
define('WP_HOME', 'https://dinkes.contoh.go.id');
define('WP_SITEURL', 'https://dinkes.contoh.go.id');
define('WP_CONTENT_URL', 'https://dinkes.contoh.go.id/wp-content');
define('AUTOMATIC_UPDATER_DISABLED', true);
define('DISABLE_WP_CRON', true);
\$table_prefix = 'wp_';
require_once ABSPATH . 'wp-settings.php';
PHP

php "$HERE/generate_fixtures.php" "$WORK/wp" "$OUT/dinkes.xml"

rm -rf "$OUT/uploads"
cp -r "$WORK/wp/wp-content/uploads" "$OUT/uploads"
echo "fixtures written to $OUT"
