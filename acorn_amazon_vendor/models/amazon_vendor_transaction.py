import json
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .. import spapi
from .concurrency import MANAGER_GROUP, USER_GROUP, check_group, commit, lock_nowait

_logger = logging.getLogger(__name__)

# operationId -> (kind, key of the list in the body, client method, how to ask Amazon whether it
# holds a submission whose answer was lost: a method of this model, or None when Amazon cannot tell)
OPERATIONS = {
    "submitAcknowledgement": (
        "acknowledgement",
        "acknowledgements",
        "submit_acknowledgement",
        "_amazon_vendor_find_acknowledgements",
    ),
    "SubmitShipmentConfirmations": (
        "shipment",
        "shipmentConfirmations",
        "submit_shipment_confirmations",
        "_amazon_vendor_find_confirmations",
    ),
    "SubmitShipments": ("shipment", "shipments", "submit_shipments", "_amazon_vendor_find_transports"),
    "submitInvoices": ("invoice", "invoices", "submit_invoices", "_amazon_vendor_find_invoices"),
}
# Minutes after submission at which getTransaction is called. Amazon documents that a
# transaction still Processing 15 minutes after submission, without Failure, went through.
CHECK_SCHEDULE = (1, 5, 15)
ACCEPTED_AFTER = timedelta(minutes=CHECK_SCHEDULE[-1])
RETRY_DELAY = timedelta(minutes=1)
CHECK_BATCH = 50
# Amazon has a submission under way: the document must not be sent again meanwhile.
PENDING_STATES = ("draft", "sending", "submitted", "processing", "unknown")
POLLED_STATES = ("submitted", "processing")
# States the scheduled action moves on when next_check_at is due.
DUE_STATES = ("draft", "submitted", "processing", "unknown")


class AmazonVendorTransaction(models.Model):
    """One asynchronous submission to Amazon, sent exactly once and followed to Amazon's verdict.

    ``draft`` (queued) → ``sending`` (committed before the POST) → ``submitted`` →
    ``processing`` → ``done`` | ``error``. An answer lost on the way (timeout, 5xx, unreadable)
    leaves it ``unknown`` until Amazon is asked what it holds: found, it is ``done``; absent,
    it is sent again. Sending lives in ``amazon_vendor_transaction_send.py``.
    """

    _name = "amazon.vendor.transaction"
    _inherit = ["mail.thread"]
    _description = "Amazon Vendor Submission"
    _order = "id desc"

    account_id = fields.Many2one(
        "amazon.vendor.account",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    res_model = fields.Char(string="Document Model", index=True, readonly=True)
    res_id = fields.Many2oneReference(string="Document ID", model_field="res_model", index=True, readonly=True)
    res_reference = fields.Reference(
        selection="_selection_res_reference",
        string="Document",
        compute="_compute_res_reference",
    )
    operation = fields.Char(required=True, readonly=True, help="Amazon's operationId of the submission.")
    kind = fields.Selection(
        [("acknowledgement", "Acknowledgement"), ("shipment", "Shipment"), ("invoice", "Invoice")],
        compute="_compute_kind",
        store=True,
        index=True,
    )
    payload = fields.Text(readonly=True, help="The JSON body sent to Amazon.")
    transaction_id = fields.Char(
        string="Amazon Transaction ID",
        index="btree_not_null",
        readonly=True,
        copy=False,
        tracking=True,
    )
    state = fields.Selection(
        [
            ("draft", "Queued"),
            ("sending", "Sending"),
            ("submitted", "Submitted"),
            ("processing", "Processing at Amazon"),
            ("unknown", "Answer Lost: Asking Amazon"),
            ("done", "Accepted"),
            ("error", "Error"),
        ],
        default="draft",
        required=True,
        index=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    error_message = fields.Text(readonly=True, copy=False)
    amazon_errors = fields.Text(readonly=True, copy=False, help="Amazon's errors[] as JSON.")
    sent_at = fields.Datetime(
        string="Last Sent",
        readonly=True,
        copy=False,
        help="When the payload last left for Amazon, whatever the answer.",
    )
    submitted_at = fields.Datetime(readonly=True, copy=False, help="When Amazon last gave a transaction ID.")
    last_checked_at = fields.Datetime(readonly=True, copy=False)
    next_check_at = fields.Datetime(index=True, readonly=True, copy=False)
    check_count = fields.Integer(readonly=True, copy=False, help="Number of times Amazon was asked about it.")
    attempt_count = fields.Integer(
        string="Sent",
        readonly=True,
        copy=False,
        help="Number of times the payload was sent to Amazon (a 429 counts: Amazon refused it unread).",
    )
    note = fields.Text(readonly=True, copy=False)
    audit_log_count = fields.Integer(compute="_compute_audit_log_count")

    def init(self):
        result = super().init()
        # The database, not a search before create, keeps one submission of a document under way
        # at a time: two users (or a user and the scheduler) can never both send it.
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS amazon_vendor_transaction_one_pending_idx
                   ON amazon_vendor_transaction (res_model, res_id, operation)
                   WHERE res_id IS NOT NULL AND state IN %s""",
                PENDING_STATES,
            )
        )
        return result

    @api.model
    def _selection_res_reference(self):
        return [(model.model, model.name) for model in self.env["ir.model"].sudo().search([])]

    @api.depends("res_model", "res_id")
    def _compute_res_reference(self):
        for transaction in self:
            valid = transaction.res_model in self.env and transaction.res_id
            transaction.res_reference = f"{transaction.res_model},{transaction.res_id}" if valid else False

    @api.depends("operation")
    def _compute_kind(self):
        for transaction in self:
            transaction.kind = OPERATIONS.get(transaction.operation, (False,))[0]

    @api.depends_context("uid")
    def _compute_audit_log_count(self):
        groups = self.env["amazon.vendor.audit.log"]._read_group(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)],
            ["res_id"],
            ["__count"],
        )
        counts = dict(groups)
        for transaction in self:
            transaction.audit_log_count = counts.get(transaction.id, 0)

    @api.depends("kind", "transaction_id")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"].selection)
        for transaction in self:
            kind = kinds.get(transaction.kind) or transaction.operation or _("Submission")
            transaction.display_name = f"{kind} {transaction.transaction_id or _('(no transaction ID)')}"

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_retry(self):
        """Send the same payload again (a new Amazon transaction), for submissions in error.

        :raise UserError: when one of them is under way or accepted, or being sent by someone else
        """
        check_group(self.env, MANAGER_GROUP)
        # The submission itself is written as superuser: check the user's right here.
        self.check_access("write")
        lock_nowait(self, _("This submission is being sent by someone else right now; look again in a moment."))
        self.invalidate_recordset(["state"])
        busy = self.filtered(lambda transaction: transaction.state != "error")
        if busy:
            states = dict(self._fields["state"].selection)
            raise UserError(
                _(
                    "%(name)s was not sent again: it is %(state)s. Only submissions in error can be sent again.",
                    name=busy[0].display_name,
                    state=states[busy[0].state],
                )
            )
        for transaction in self:
            if transaction.transaction_id:
                transaction.message_post(
                    body=_(
                        "Sent again; the previous Amazon transaction %(id)s ended in: %(error)s",
                        id=transaction.transaction_id,
                        error=transaction.error_message or "-",
                    )
                )
            elif transaction.error_message:
                transaction.message_post(
                    body=_("Sent again; the previous attempt ended in: %(error)s", error=transaction.error_message)
                )
            transaction._amazon_vendor_send()
        return True

    def action_check_now(self):
        """Do now what the scheduled action would: send the queued submissions, ask Amazon for the
        verdict on the submitted ones and whether it holds those whose answer was lost."""
        check_group(self.env, USER_GROUP)
        self.check_access("read")
        todo = self.sudo().filtered(lambda transaction: transaction.state in DUE_STATES)
        for account, transactions in todo.grouped("account_id").items():
            client = self._amazon_vendor_check_client(account)
            for transaction in transactions if client else ():
                transaction._amazon_vendor_follow(client)
        return True

    def action_open_document(self):
        """Open the document (sale order, picking, invoice...) this submission belongs to."""
        check_group(self.env, USER_GROUP)
        self.ensure_one()
        document = self._amazon_vendor_document()
        if not document:
            raise UserError(_("The document of this submission no longer exists."))
        return document.get_formview_action()

    def action_view_audit_logs(self):
        """The exchange log of this submission: its submit and getTransaction calls."""
        check_group(self.env, USER_GROUP)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("acorn_amazon_vendor.amazon_vendor_audit_log_action")
        action["domain"] = [("res_model", "=", self._name), ("res_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # The scheduled action
    # ------------------------------------------------------------------

    @api.model
    def _cron_check_transactions(self):
        """Move every due submission on: send the queued ones, ask Amazon for the verdict of the
        submitted ones, and ask Amazon whether it holds those whose answer was lost."""
        self._amazon_vendor_recover_interrupted()
        transactions = self.search(
            [("state", "in", DUE_STATES), ("next_check_at", "<=", fields.Datetime.now())],
            order="next_check_at, id",
        )
        total, done = len(transactions), 0
        counts = dict.fromkeys(("done", "error", "pending"), 0)
        for account, account_transactions in transactions.grouped("account_id").items():
            client = self._amazon_vendor_check_client(account)
            for transaction in account_transactions:
                if client:
                    outcome = transaction._amazon_vendor_follow(client)
                    counts[outcome if outcome in ("done", "error") else "pending"] += 1
                done += 1
                if done % CHECK_BATCH == 0 or done == total:
                    self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
                    # Amazon's verdicts are final and the documents were told: a timeout
                    # later in the run must not roll them back and notify them twice.
                    commit(self.env, "a batch of Amazon verdicts is final")
        _logger.info(
            "Followed %s Amazon vendor submissions: %s accepted, %s in error, %s still pending",
            total,
            counts["done"],
            counts["error"],
            counts["pending"],
        )

    @api.model
    def _amazon_vendor_check_client(self, account):
        try:
            return account._get_spapi_client()
        except UserError as error:
            _logger.warning("Amazon vendor submissions of account %s not followed: %s", account.id, error)
            return None

    def _amazon_vendor_follow(self, client):
        """Move this submission one step on. :return: its state afterwards"""
        self.ensure_one()
        if hasattr(client.exchange_hook, "target"):
            client.exchange_hook.target = self
        try:
            if self.state == "draft":
                self._amazon_vendor_send(client)
            elif self.state == "unknown":
                self._amazon_vendor_reconcile(client)
            elif self.state in POLLED_STATES:
                self._amazon_vendor_check(client)
        except UserError as error:
            _logger.info("Amazon submission %s skipped: %s", self.id, error)
        return self.state

    def _amazon_vendor_check(self, client):
        """Poll getTransaction once and apply the answer, isolated from the other submissions.

        The call stays outside the savepoint: its exchange log must survive a rollback.
        """
        self.ensure_one()
        try:
            status = client.get_transaction(self.transaction_id)
        except spapi.SpApiError as error:
            _logger.info("Amazon transaction %s not checked, trying again later: %s", self.transaction_id, error)
            self._amazon_vendor_postpone()
            return
        self._amazon_vendor_apply_isolated(self._amazon_vendor_apply_status, status)

    def _amazon_vendor_apply_isolated(self, method, *args):
        try:
            with self.env.cr.savepoint():
                method(*args)
        except Exception:
            # A failing document hook must not stop the other submissions; the verdict was
            # rolled back with it, so the next check applies it (and runs the hook) again.
            _logger.exception("Amazon's verdict on submission %s could not be applied", self.id)
            self._amazon_vendor_postpone()

    def _amazon_vendor_postpone(self):
        self.sudo().write(
            {
                "next_check_at": max(self.next_check_at or fields.Datetime.now(), fields.Datetime.now()) + RETRY_DELAY,
                "last_checked_at": fields.Datetime.now(),
                "check_count": self.check_count + 1,
            }
        )

    def _amazon_vendor_apply_status(self, status):
        """Move on according to getTransaction's ``{"status", "errors"}``."""
        now = fields.Datetime.now()
        self.sudo().write({"last_checked_at": now, "check_count": self.check_count + 1})
        verdict = status.get("status")
        if verdict == "Success":
            self._amazon_vendor_set_done()
        elif verdict == "Failure":
            errors = status.get("errors") or []
            self._amazon_vendor_set_error(self._amazon_vendor_format_errors(errors), errors)
        elif now - self.submitted_at >= ACCEPTED_AFTER:
            note = _(
                "Amazon still reported Processing 15 minutes after submission and no Failure: "
                "treated as accepted, as Amazon documents."
            )
            self.message_post(body=note)
            self._amazon_vendor_set_done(note=note)
        else:
            self.sudo().write({"state": "processing", "next_check_at": self._amazon_vendor_next_check(now)})

    def _amazon_vendor_next_check(self, now):
        elapsed = now - self.submitted_at
        minutes = next(m for m in CHECK_SCHEDULE if timedelta(minutes=m) > elapsed)
        return self.submitted_at + timedelta(minutes=minutes)

    def _amazon_vendor_format_errors(self, errors):
        if not errors:
            return _("Amazon reported the submission as failed without giving a reason.")
        lines = []
        for error in errors:
            text = error.get("message") or error.get("code") or ""
            if error.get("details"):
                text = f"{text} ({error['details']})"
            lines.append(f"- {text}")
        return _("Amazon rejected the submission:\n%(errors)s", errors="\n".join(lines))

    def _amazon_vendor_set_done(self, note=False):
        if self.state == "done":
            return
        self.sudo().write({"state": "done", "next_check_at": False, "note": note, "error_message": False})
        self._amazon_vendor_notify_document()

    def _amazon_vendor_set_error(self, message, errors):
        self.sudo().write(
            {
                "state": "error",
                "error_message": message,
                "amazon_errors": json.dumps(errors, indent=2, ensure_ascii=False) if errors else False,
                "next_check_at": False,
            }
        )
        self._amazon_vendor_notify_document()

    # ------------------------------------------------------------------
    # The document
    # ------------------------------------------------------------------

    def _amazon_vendor_document(self):
        """:return: the document this submission belongs to, or None when it is gone"""
        self.ensure_one()
        if not (self.res_model in self.env and self.res_id):
            return None
        return self.env[self.res_model].browse(self.res_id).exists() or None

    def _amazon_vendor_notify_document(self):
        """Tell the document Amazon's final verdict: chatter, activity and its own hook.

        Written as superuser: the verdict concerns the document whoever follows it, and a
        salesman's record rules must not hide a rejection.
        """
        self.ensure_one()
        document = self._amazon_vendor_document()
        if not document:
            return
        document = document.sudo()
        if self.state == "done":
            self._amazon_vendor_post_accepted(document)
            if hasattr(document, "_amazon_vendor_transaction_done"):
                document._amazon_vendor_transaction_done(self)
        elif self.state == "error":
            self._amazon_vendor_post_rejected(document)
            if hasattr(document, "_amazon_vendor_transaction_failed"):
                document._amazon_vendor_transaction_failed(self)

    def _amazon_vendor_kind_label(self):
        return {
            "acknowledgement": _("acknowledgement"),
            "shipment": _("shipment"),
            "invoice": _("invoice"),
        }.get(self.kind, self.operation)

    def _amazon_vendor_post_accepted(self, document):
        if not hasattr(document, "message_post"):
            return
        if self.transaction_id:
            body = _(
                "Amazon accepted the %(kind)s (transaction %(id)s).",
                kind=self._amazon_vendor_kind_label(),
                id=self.transaction_id,
            )
        else:
            body = _("Amazon holds the %(kind)s.", kind=self._amazon_vendor_kind_label())
        document.message_post(body=body)

    def _amazon_vendor_post_rejected(self, document):
        kind = self._amazon_vendor_kind_label()
        summary = _("Amazon rejected the %(kind)s", kind=kind)
        error_html = Markup("<br/>").join((self.error_message or "").splitlines())
        if hasattr(document, "message_post"):
            heading = (
                _(
                    "Amazon rejected the %(kind)s (transaction %(id)s):",
                    kind=kind,
                    id=self.transaction_id,
                )
                if self.transaction_id
                else _("The %(kind)s did not reach Amazon:", kind=kind)
            )
            document.message_post(body=Markup("%s<br/>%s") % (heading, error_html))
        if hasattr(document, "activity_schedule"):
            user = self.account_id.user_id
            document.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=error_html,
                **({"user_id": user.id} if user else {}),
            )
