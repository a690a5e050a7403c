"""Commits, locks and group checks shared by the crons, the buttons and the submissions.

- Odoo's test cases cannot commit, and a commit ends every savepoint: code that commits asks
  :func:`can_commit` first and never commits inside ``cr.savepoint()``.
- An account import holds a session-level advisory lock: it survives the commits between
  batches and dies with the database connection when a worker is killed.
- A document being sent to Amazon is locked ``FOR UPDATE NOWAIT``: the second user is told
  at once that someone else is sending it, instead of waiting and sending it again.
"""

import hashlib
import logging
from contextlib import contextmanager

import psycopg2.errors
from psycopg2.extensions import TRANSACTION_STATUS_INERROR

from odoo import modules, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

USER_GROUP = "acorn_amazon_vendor.group_amazon_vendor_user"
MANAGER_GROUP = "acorn_amazon_vendor.group_amazon_vendor_manager"


def _lock_space(name):
    # First key of ACORN's two-key advisory locks: never equal to another module's.
    return int.from_bytes(hashlib.sha256(f"acorn_amazon_vendor.{name}".encode()).digest()[:4], "big", signed=True)


IMPORT_LOCK = _lock_space("import")
SEND_LOCK = _lock_space("send")
TOKEN_LOCK = _lock_space("token")


def can_commit():
    """True outside tests: the only place that decides whether ACORN may commit."""
    return not (tools.config["test_enable"] or modules.module.current_test)


def commit(env, reason):
    """Commit the current transaction when allowed.

    :param reason: why committing here is right (logged at debug level)
    """
    if can_commit():
        _logger.debug("Commit: %s", reason)
        env.cr.commit()  # pylint: disable=invalid-commit


@contextmanager
def advisory_lock(cr, space, key):
    """Try a session-level advisory lock on ``(space, key)``, released on exit.

    :yield: True when this connection got the lock, False when someone else holds it
    """
    cr.execute(SQL("SELECT pg_try_advisory_lock(%s, %s)", space, key))
    acquired = cr.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            if cr._cnx.get_transaction_status() == TRANSACTION_STATUS_INERROR:
                cr.rollback()  # nothing of an aborted transaction survives anyway
            cr.execute(SQL("SELECT pg_advisory_unlock(%s, %s)", space, key))


def is_advisory_locked(cr, space, key):
    """True when another connection holds the advisory lock ``(space, key)``."""
    with advisory_lock(cr, space, key) as acquired:
        return not acquired


def lock_nowait(records, message):
    """Lock the rows of ``records`` for update, or raise ``UserError(message)`` at once."""
    if not records.ids:
        return
    try:
        with records.env.cr.savepoint(flush=False):
            records.env.cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id IN %s FOR UPDATE NOWAIT",
                    SQL.identifier(records._table),
                    tuple(records.ids),
                )
            )
    except (psycopg2.errors.LockNotAvailable, psycopg2.errors.SerializationFailure):
        # Locked by someone else, or changed by someone else since this transaction began.
        raise UserError(message) from None


def check_group(env, xmlid):
    """Refuse an action to a user outside the group ``xmlid`` (buttons are public over RPC).

    Code running as superuser (crons, ``sudo()``) passes: it checked its caller already.
    """
    if env.su or env.user.has_group(xmlid):
        return
    group = env.ref(xmlid)
    raise AccessError(
        env._(
            "This action is reserved to the group %(group)s.",
            group=group.sudo().full_name,
        )
    )
