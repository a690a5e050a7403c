import json
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models, modules
from odoo.exceptions import UserError

from .. import spapi
from ..spapi.validation import jsonable

_logger = logging.getLogger(__name__)

# operationId -> (kind, key of the list in the body, client method)
OPERATIONS = {
    "submitAcknowledgement": ("acknowledgement", "acknowledgements", "submit_acknowledgement"),
    "SubmitShipmentConfirmations": ("shipment", "shipmentConfirmations", "submit_shipment_confirmations"),
    "SubmitShipments": ("shipment", "shipments", "submit_shipments"),
    "submitInvoices": ("invoice", "invoices", "submit_invoices"),
}
# Minutes after submission at which getTransaction is called. Amazon documents that a
# transaction still Processing 15 minutes after submission, without Failure, went through.
CHECK_SCHEDULE = (1, 5, 15)
ACCEPTED_AFTER = timedelta(minutes=CHECK_SCHEDULE[-1])
RETRY_DELAY = timedelta(minutes=1)
CHECK_BATCH = 50
PENDING_STATES = ("submitted", "processing")


class AmazonVendorTransaction(models.Model):
    """One asynchronous submission to Amazon, followed until Amazon's final verdict."""

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
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("processing", "Processing at Amazon"),
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
    submitted_at = fields.Datetime(readonly=True, copy=False)
    last_checked_at = fields.Datetime(readonly=True, copy=False)
    next_check_at = fields.Datetime(index=True, readonly=True, copy=False)
    check_count = fields.Integer(readonly=True, copy=False, help="Number of getTransaction calls.")
    attempt_count = fields.Integer(
        readonly=True,
        copy=False,
        help="Number of times Amazon took the payload (one transaction ID each).",
    )
    note = fields.Text(readonly=True, copy=False)
    audit_log_count = fields.Integer(compute="_compute_audit_log_count")

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
            transaction.display_name = f"{kind} {transaction.transaction_id or _('(not sent)')}"

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_retry(self):
        """Submit the same payload again (a new Amazon transaction) for submissions in error or draft.

        :raise UserError: when one of them is already submitted, processing or accepted
        """
        # The submission itself is written as superuser: check the user's right here.
        self.check_access("write")
        self._amazon_vendor_lock()
        busy = self.filtered(lambda transaction: transaction.state not in ("error", "draft"))
        if busy:
            states = dict(self._fields["state"].selection)
            raise UserError(
                _(
                    "%(name)s was not submitted again: it is already %(state)s. Only submissions in error "
                    "can be retried.",
                    name=busy[0].display_name,
                    state=states[busy[0].state],
                )
            )
        for transaction in self:
            if transaction.transaction_id:
                transaction.message_post(
                    body=_(
                        "Submitted again; the previous Amazon transaction %(id)s ended in: %(error)s",
                        id=transaction.transaction_id,
                        error=transaction.error_message or "-",
                    )
                )
            transaction._amazon_vendor_send()
        return True

    def action_open_document(self):
        """Open the document (sale order, picking, invoice...) this submission belongs to."""
        self.ensure_one()
        document = self._amazon_vendor_document()
        if not document:
            raise UserError(_("The document of this submission no longer exists."))
        return document.get_formview_action()

    def action_view_audit_logs(self):
        """The exchange log of this submission: its submit and getTransaction calls."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("acorn_amazon_vendor.amazon_vendor_audit_log_action")
        action["domain"] = [("res_model", "=", self._name), ("res_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Submission
    # ------------------------------------------------------------------

    @api.model
    def _amazon_vendor_submit(self, account, record, operation, payload):
        """Record an asynchronous submission and send it to Amazon at once.

        Amazon-side problems never raise: the submission ends in ``error`` and the document
        is told, so one bad document does not stop a batch. Users who may post the document
        (confirm a sale order, validate a delivery) need no rights on submissions: the record
        is written as superuser.

        :param account: the ``amazon.vendor.account`` to submit through
        :param record: the Odoo document the submission belongs to (may be empty)
        :param operation: Amazon's operationId, a key of :data:`OPERATIONS`
        :param payload: the request body, e.g. ``{"acknowledgements": [...]}``
        :return: the ``amazon.vendor.transaction`` (submitted or error)
        :raise ValueError: for an operation ACORN does not submit asynchronously
        """
        if operation not in OPERATIONS:
            raise ValueError(f"Not an asynchronous SP-API submission: {operation}")
        account.ensure_one()
        transaction = self.sudo().create(
            {
                "account_id": account.id,
                "res_model": record._name if record else False,
                "res_id": record.id if record else False,
                "operation": operation,
                "payload": json.dumps(jsonable(payload), indent=2, ensure_ascii=False),
            }
        )
        transaction._amazon_vendor_send()
        return transaction.with_env(self.env)

    def _amazon_vendor_send(self):
        """POST the payload; :return: True when Amazon took it (state ``submitted``)."""
        self.ensure_one()
        _kind, key, method = OPERATIONS[self.operation]
        records = json.loads(self.payload or "{}").get(key) or []
        try:
            client = self.account_id._get_spapi_client(record=self)
            transaction_id = getattr(client, method)(records)
        except spapi.SpApiError as error:
            self._amazon_vendor_set_error(self.account_id._amazon_vendor_explain_error(error), error.errors)
            return False
        except UserError as error:
            self._amazon_vendor_set_error(str(error), [])
            return False
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "state": "submitted",
                "transaction_id": transaction_id,
                "submitted_at": now,
                "next_check_at": now + timedelta(minutes=CHECK_SCHEDULE[0]),
                "attempt_count": self.attempt_count + 1,
                "check_count": 0,
                "last_checked_at": False,
                "error_message": False,
                "amazon_errors": False,
                "note": False,
            }
        )
        return True

    # ------------------------------------------------------------------
    # Following the transaction
    # ------------------------------------------------------------------

    @api.model
    def _cron_check_transactions(self):
        """Ask Amazon for the verdict of every submission due for a check, one client per account."""
        transactions = self.search([("state", "in", PENDING_STATES), ("next_check_at", "<=", fields.Datetime.now())])
        total, done = len(transactions), 0
        counts = dict.fromkeys(("done", "error", "pending"), 0)
        for account, account_transactions in transactions.grouped("account_id").items():
            client = self._amazon_vendor_check_client(account)
            for transaction in account_transactions:
                if client:
                    outcome = transaction._amazon_vendor_check(client)
                    counts["pending" if outcome in PENDING_STATES else outcome] += 1
                done += 1
                if done % CHECK_BATCH == 0 or done == total:
                    self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
                    if self._can_commit():
                        # Amazon's verdicts are final and the documents were told: a timeout
                        # later in the run must not roll them back and notify them twice.
                        self.env.cr.commit()
        _logger.info(
            "Checked %s Amazon vendor submissions: %s accepted, %s in error, %s still pending",
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
            _logger.warning("Amazon vendor submissions of account %s not checked: %s", account.id, error)
            return None

    def _amazon_vendor_check(self, client):
        """Poll getTransaction once and apply the answer, isolated from the other submissions.

        The call stays outside the savepoint: its exchange log must survive a rollback.

        :return: the state after the check
        """
        self.ensure_one()
        if hasattr(client.exchange_hook, "target"):
            client.exchange_hook.target = self
        try:
            status = client.get_transaction(self.transaction_id)
        except (spapi.ThrottledError, spapi.TransientError) as error:
            _logger.info("Amazon transaction %s not checked, trying again in a minute: %s", self.transaction_id, error)
            self._amazon_vendor_postpone()
            return self.state
        except spapi.SpApiError as error:
            _logger.warning("Amazon refused to report transaction %s: %s", self.transaction_id, error)
            self._amazon_vendor_postpone()
            return self.state
        try:
            with self.env.cr.savepoint():
                self._amazon_vendor_apply_status(status)
        except Exception:
            # A failing document hook must not stop the other submissions; the verdict was
            # rolled back with it, so the next check applies it (and runs the hook) again.
            _logger.exception("Amazon's verdict on transaction %s could not be applied", self.transaction_id)
            self._amazon_vendor_postpone()
        return self.state

    def _amazon_vendor_postpone(self):
        self.write(
            {
                "next_check_at": max(self.next_check_at, fields.Datetime.now()) + RETRY_DELAY,
                "last_checked_at": fields.Datetime.now(),
                "check_count": self.check_count + 1,
            }
        )

    def _amazon_vendor_apply_status(self, status):
        """Move on according to getTransaction's ``{"status", "errors"}``."""
        now = fields.Datetime.now()
        self.write({"last_checked_at": now, "check_count": self.check_count + 1})
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
            self.write({"state": "processing", "next_check_at": self._amazon_vendor_next_check(now)})

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
        self.sudo().write({"state": "done", "next_check_at": False, "note": note})
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
        if hasattr(document, "message_post"):
            document.message_post(
                body=_(
                    "Amazon accepted the %(kind)s (transaction %(id)s).",
                    kind=self._amazon_vendor_kind_label(),
                    id=self.transaction_id,
                )
            )

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
                else _("Amazon refused the %(kind)s before processing it:", kind=kind)
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

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _amazon_vendor_lock(self):
        # Two users (or a double click) retrying at once: the second waits and finds the
        # submission already sent instead of sending it twice.
        if self.ids:
            self.env.cr.execute(
                "SELECT id FROM amazon_vendor_transaction WHERE id IN %s FOR NO KEY UPDATE",
                (tuple(self.ids),),
            )
            self.invalidate_recordset(["state"])

    @api.model
    def _can_commit(self):
        return not modules.module.current_test
