"""Glue between the Odoo-free SP-API client and the database: token store and audit hook."""

import json
from contextlib import contextmanager
from datetime import timezone

from odoo import SUPERUSER_ID, api, fields
from odoo.tools import SQL

from .. import spapi
from .concurrency import TOKEN_LOCK


class AccountTokenStore(spapi.TokenStore):
    """Keeps the LWA access token of an account in the database, shared by every Odoo worker.

    The token lives in ``amazon.vendor.access.token``, read and written through a cursor of
    its own and committed at once: the business transaction that needed it never holds a
    lock on it, and a worker that refreshed it never rolls it back. Refreshes are serialized
    by an advisory lock; a worker that waited re-reads the store and reuses the new token.
    """

    def __init__(self, account):
        self.env = account.env
        self.account_id = account.id
        self._cached = None
        self._locked_cr = None

    @contextmanager
    def _cursor(self):
        if self._locked_cr is not None:
            yield self._locked_cr
            return
        with self.env.registry.cursor() as cr:
            # An account created in this very transaction (tests, the first setup) is
            # invisible to another cursor: its token then lives in the current transaction.
            cr.execute(SQL("SELECT 1 FROM amazon_vendor_account WHERE id = %s", self.account_id))
            if cr.rowcount:
                yield cr
                return
        tokens = self.env["amazon.vendor.access.token"]
        tokens.flush_model()
        yield self.env.cr
        tokens.invalidate_model()

    def get(self, key):
        if self._locked_cr is None and self._cached and self._cached[0] == key:
            return self._cached[1]
        with self._cursor() as cr:
            cr.execute(
                SQL(
                    "SELECT value, expires_at FROM amazon_vendor_access_token "
                    "WHERE account_id = %s AND token_key = %s AND value IS NOT NULL",
                    self.account_id,
                    key,
                )
            )
            row = cr.fetchone()
        token = spapi.AccessToken(row[0], row[1].replace(tzinfo=timezone.utc)) if row else None
        self._cached = (key, token) if token else None
        return token

    def set(self, key, token):
        expiry = token.expires_at.astimezone(timezone.utc).replace(tzinfo=None)
        with self._cursor() as cr:
            cr.execute(
                SQL(
                    """INSERT INTO amazon_vendor_access_token (account_id, token_key, value, expires_at)
                       VALUES (%(account)s, %(key)s, %(value)s, %(expiry)s)
                       ON CONFLICT (account_id) DO UPDATE
                       SET token_key = %(key)s, value = %(value)s, expires_at = %(expiry)s""",
                    account=self.account_id,
                    key=key,
                    value=token.value,
                    expiry=expiry,
                )
            )
            if cr is not self.env.cr:
                # The token's own cursor, never the business one: committed at once.
                cr.commit()  # pylint: disable=invalid-commit
        self._cached = (key, token)

    @contextmanager
    def lock(self, key):
        with self._cursor() as cr:
            if cr is self.env.cr:
                yield  # an uncommitted account: nobody else can use it yet
                return
            cr.execute(SQL("SELECT pg_advisory_lock(%s, %s)", TOKEN_LOCK, self.account_id))
            try:
                # A fresh snapshot after the wait: it sees the token the worker we waited for stored.
                cr.commit()  # pylint: disable=invalid-commit
                self._locked_cr = cr
                yield
            finally:
                self._locked_cr = None
                cr.rollback()
                cr.execute(SQL("SELECT pg_advisory_unlock(%s, %s)", TOKEN_LOCK, self.account_id))


class AuditHook:
    """Writes every HTTP exchange of a client to ``amazon.vendor.audit.log``.

    Records are written through their own cursor so that the trail of a call survives the
    rollback of the business transaction that made it (a failed import keeps its evidence).

    :param account: the ``amazon.vendor.account`` the client belongs to
    :param record: the Odoo record the calls concern (``target`` can be changed later)
    """

    def __init__(self, account, record=None):
        self.env = account.env
        self.account_id = account.id
        self.target = record

    def __call__(self, exchange):
        vals = self._prepare_vals(exchange)
        with self.env.registry.cursor() as cr:
            # An account not committed yet (created in this very transaction) is invisible to
            # the other cursor: its exchanges then share the fate of the transaction.
            cr.execute("SELECT 1 FROM amazon_vendor_account WHERE id = %s", (self.account_id,))
            if cr.rowcount:
                api.Environment(cr, SUPERUSER_ID, {})["amazon.vendor.audit.log"].create(vals)
                return
        self.env["amazon.vendor.audit.log"].sudo().create(vals)

    def _prepare_vals(self, exchange):
        target = self.target
        return {
            "account_id": self.account_id,
            "operation": exchange.operation,
            "method": exchange.method,
            "url": exchange.url,
            "status_code": exchange.status or 0,
            "duration_ms": int(exchange.duration_ms or 0),
            "request_id": exchange.request_id,
            "attempt": exchange.attempt or 1,
            "error": exchange.error,
            "request_headers": _dump(exchange.request_headers),
            "request_body": _dump(exchange.request_body),
            "response_headers": _dump(exchange.response_headers),
            "response_body": _dump(exchange.response_body),
            "res_model": target._name if target else False,
            "res_id": target.id if target else False,
            "exchanged_at": fields.Datetime.now(),
        }


def _dump(value):
    if value in (None, "", {}, []):
        return False
    if isinstance(value, (bytes, bytearray)):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, sort_keys=True, default=str)
