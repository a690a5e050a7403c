"""Glue between the Odoo-free SP-API client and the database: token store and audit hook."""

import json
from contextlib import contextmanager
from datetime import timezone

from odoo import SUPERUSER_ID, api, fields

from .. import spapi


class AccountTokenStore(spapi.TokenStore):
    """Keeps the LWA access token on the account so every Odoo worker shares it.

    The refresh happens under a row lock on the account: two workers finding the token
    stale at once exchange the refresh token only once.
    """

    def __init__(self, account):
        self.account = account.sudo()

    def get(self, key):
        self.account.invalidate_recordset(["lwa_access_token", "lwa_access_token_expiry"])
        value, expiry = self.account.lwa_access_token, self.account.lwa_access_token_expiry
        if not (value and expiry):
            return None
        return spapi.AccessToken(value, expiry.replace(tzinfo=timezone.utc))

    def set(self, key, token):
        expiry = token.expires_at.astimezone(timezone.utc).replace(tzinfo=None)
        self.account.write({"lwa_access_token": token.value, "lwa_access_token_expiry": expiry})
        self.account.flush_recordset(["lwa_access_token", "lwa_access_token_expiry"])

    @contextmanager
    def lock(self, key):
        # NO KEY UPDATE: audit records written from another cursor only need KEY SHARE on
        # the account row, so holding this lock during the LWA call cannot deadlock them.
        self.account.env.cr.execute(
            "SELECT id FROM amazon_vendor_account WHERE id = %s FOR NO KEY UPDATE",
            (self.account.id,),
        )
        yield


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
