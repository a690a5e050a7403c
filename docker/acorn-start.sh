#!/bin/sh
# Creates the demo database on first start (add-on and demo data installed, demo account
# connected to the simulator), then serves Odoo.
set -e
DB_ARGS="--db_host=${HOST} --db_user=${USER} --db_password=${PASSWORD}"
ODOO="odoo ${DB_ARGS} --addons-path=/usr/lib/python3/dist-packages/odoo/addons,/mnt/extra-addons"

wait_for() {
    python3 -c "
import socket, sys, time
for _ in range(120):
    try:
        socket.create_connection(('$1', $2), 1).close(); sys.exit(0)
    except OSError:
        time.sleep(1)
sys.exit('$1:$2 did not answer')"
}

wait_for "${HOST}" 5432
if ! python3 -c "
import psycopg2, sys
try:
    psycopg2.connect(host='${HOST}', user='${USER}', password='${PASSWORD}', dbname='${ACORN_DB}').close()
except psycopg2.OperationalError:
    sys.exit(1)"; then
    ${ODOO} -d "${ACORN_DB}" -i acorn_amazon_vendor --stop-after-init
    wait_for 127.0.0.1 8073
    echo "accounts = env['amazon.vendor.account'].search([]); [a.action_test_connection() for a in accounts]; accounts.action_import_purchase_orders(); env.cr.commit()" \
        | ${ODOO} shell -d "${ACORN_DB}" --no-http
fi
exec ${ODOO} -d "${ACORN_DB}" --db-filter="^${ACORN_DB}$"
