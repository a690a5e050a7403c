"""Sending a submission to Amazon exactly once, and finding out what Amazon holds when its
answer was lost.

Amazon's vendor APIs take no idempotency key. So the submission is recorded and committed in
``sending`` before the POST; the client repeats a POST only when it surely did not reach Amazon
(429, no connection); any other failure after sending leaves the submission ``unknown`` until
Amazon is asked what it holds (the PO's acknowledgement status, GetShipmentDetails) and only an
answer "absent" sends it again.
"""

import json
import logging
from datetime import timedelta

import psycopg2.errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .. import spapi
from ..spapi.timeutil import to_amz
from ..spapi.validation import body_problems, jsonable
from .amazon_vendor_transaction import OPERATIONS, PENDING_STATES
from .concurrency import SEND_LOCK, advisory_lock, commit, is_advisory_locked, lock_nowait

_logger = logging.getLogger(__name__)

# How long Amazon may take before a submission it received shows (its transactions settle
# within 15 minutes): until then "not found" does not yet mean "not received".
GRACE_PARAM = "acorn_amazon_vendor.submission_grace_minutes"
DEFAULT_GRACE_MINUTES = 15
# States from which a payload may leave: queued, absent at Amazon after a lost answer, failed.
SENDABLE_STATES = ("draft", "unknown", "error")
# Sends of one payload (429s and refused connections included) before ACORN gives up and asks a person.
MAX_ATTEMPTS = 10


class AmazonVendorTransaction(models.Model):
    _inherit = "amazon.vendor.transaction"

    # ------------------------------------------------------------------
    # Creating a submission
    # ------------------------------------------------------------------

    @api.model
    def _amazon_vendor_lock_document(self, record):
        """Lock ``record`` for its submission, or tell the user at once that someone else sends it."""
        lock_nowait(
            record,
            _(
                "%(document)s is being sent to Amazon by someone else right now; look again in a moment.",
                document=record.display_name,
            ),
        )

    @api.model
    def _amazon_vendor_pending(self, record, operation):
        """:return: the submission of ``record`` under way for ``operation`` (empty if none)"""
        return self.sudo().search(
            [
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("operation", "=", operation),
                ("state", "in", PENDING_STATES),
            ],
            limit=1,
        )

    @api.model
    def _amazon_vendor_submit(self, account, record, operation, payload):
        """Record an asynchronous submission and send it to Amazon at once, exactly once.

        The caller locks the document first (:meth:`_amazon_vendor_lock_document`) and writes
        its own state before calling: the send commits. Amazon-side problems never raise: the
        submission ends in ``error`` (or ``unknown``, or queued again) and the document is
        told, so one bad document does not stop a batch. Users who may post the document need
        no rights on submissions: the record is written as superuser.

        :param account: the ``amazon.vendor.account`` to submit through
        :param record: the Odoo document the submission belongs to (may be empty)
        :param operation: Amazon's operationId, a key of :data:`OPERATIONS`
        :param payload: the request body, e.g. ``{"acknowledgements": [...]}``
        :return: the ``amazon.vendor.transaction``
        :raise UserError: when a submission of the document is already under way
        :raise ValueError: for an operation ACORN does not submit asynchronously
        """
        transaction = self._amazon_vendor_create_submission(account, record, operation, payload)
        transaction._amazon_vendor_send()
        return transaction.with_env(self.env)

    @api.model
    def _amazon_vendor_queue(self, account, record, operation, payload):
        """Record a submission for the scheduled action to send within a minute.

        For sends decided inside another business flow (confirming an order), which must not
        commit that flow half-way.

        :return: the queued ``amazon.vendor.transaction``
        """
        transaction = self._amazon_vendor_create_submission(account, record, operation, payload)
        transaction.next_check_at = fields.Datetime.now()
        self.env.ref("acorn_amazon_vendor.ir_cron_check_transactions")._trigger()
        return transaction.with_env(self.env)

    @api.model
    def _amazon_vendor_create_submission(self, account, record, operation, payload):
        if operation not in OPERATIONS:
            raise ValueError(f"Not an asynchronous SP-API submission: {operation}")
        account.ensure_one()
        vals = {
            "account_id": account.id,
            "res_model": record._name if record else False,
            "res_id": record.id if record else False,
            "operation": operation,
            "payload": json.dumps(jsonable(payload), indent=2, ensure_ascii=False),
        }
        try:
            with self.env.cr.savepoint():
                return self.sudo().create(vals)
        except psycopg2.errors.UniqueViolation:
            raise UserError(
                _(
                    "%(document)s already has a submission to Amazon under way; wait for Amazon's verdict.",
                    document=record.display_name,
                )
            ) from None

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    def _amazon_vendor_send(self, client=None):
        """POST the payload once: recorded and committed as ``sending`` before it leaves.

        :param client: the account's client (the scheduled action shares one per account)
        :return: the state afterwards
        """
        self.ensure_one()
        transaction = self.sudo()
        busy = _("This submission is being sent by someone else right now; look again in a moment.")
        with advisory_lock(self.env.cr, SEND_LOCK, self.id) as acquired:
            if not acquired:
                raise UserError(busy)
            # Fails as well when someone changed it since this transaction began: it was just sent.
            lock_nowait(self, busy)
            transaction.invalidate_recordset(["state"])
            if transaction.state not in SENDABLE_STATES:
                return transaction.state
            problems = transaction._amazon_vendor_body_problems()
            if problems:
                # Nothing leaves: the body breaks the model's rules (the client would refuse it too).
                transaction._amazon_vendor_set_error(
                    _(
                        "Nothing was sent: the %(kind)s breaks the rules of Amazon's model: %(problems)s",
                        kind=transaction._amazon_vendor_kind_label(),
                        problems="; ".join(problems),
                    ),
                    [],
                )
                return transaction.state
            try:
                with self.env.cr.savepoint():
                    transaction.write(
                        {
                            "state": "sending",
                            "sent_at": fields.Datetime.now(),
                            "attempt_count": transaction.attempt_count + 1,
                            "next_check_at": False,
                        }
                    )
            except psycopg2.errors.UniqueViolation:
                raise UserError(
                    _("Another submission of this document is under way; wait for Amazon's verdict on it.")
                ) from None
            # Whatever happens from here (a crash, a timeout, a rollback), Odoo knows that the
            # payload may have reached Amazon. The advisory lock tells the scheduled action that
            # the sender is alive.
            commit(self.env, "a submission is recorded before it is sent")
            transaction._amazon_vendor_post(client)
            commit(self.env, "Amazon's answer to a submission is recorded")
        return transaction.state

    def _amazon_vendor_body_problems(self):
        _kind, key, _method, _finder = OPERATIONS[self.operation]
        return body_problems(self.operation, {key: json.loads(self.payload or "{}").get(key) or []})

    def _amazon_vendor_post(self, client):
        _kind, key, method, _finder = OPERATIONS[self.operation]
        records = json.loads(self.payload or "{}").get(key) or []
        try:
            client = client or self.account_id._get_spapi_client(record=self)
            transaction_id = getattr(client, method)(records)
        except spapi.OutcomeUnknownError as error:
            self._amazon_vendor_set_unknown(error)
        except (spapi.ThrottledError, spapi.TransientError) as error:
            self._amazon_vendor_requeue(error)
        except spapi.SpApiError as error:
            self._amazon_vendor_set_error(self.account_id._amazon_vendor_explain_error(error), error.errors)
        except UserError as error:
            self._amazon_vendor_set_error(str(error), [])
        else:
            now = fields.Datetime.now()
            self.write(
                {
                    "state": "submitted",
                    "transaction_id": transaction_id,
                    "submitted_at": now,
                    "next_check_at": now + timedelta(minutes=1),
                    "check_count": 0,
                    "last_checked_at": False,
                    "error_message": False,
                    "amazon_errors": False,
                    "note": False,
                }
            )

    def _amazon_vendor_requeue(self, error):
        """Amazon surely did not take it (429, no connection): queue it to be sent again."""
        if self.attempt_count >= MAX_ATTEMPTS:
            self._amazon_vendor_set_error(self.account_id._amazon_vendor_explain_error(error), error.errors)
            return
        delay = timedelta(minutes=min(self.attempt_count, 15))
        self.write(
            {
                "state": "draft",
                "next_check_at": fields.Datetime.now() + delay,
                "note": _(
                    "Amazon did not take the submission (%(error)s); it is sent again automatically.", error=error
                ),
            }
        )

    def _amazon_vendor_set_unknown(self, error, delay=timedelta(minutes=1)):
        _logger.warning("Amazon submission %s: answer lost (%s); asking Amazon what it holds", self.id, error)
        self.write(
            {
                "state": "unknown",
                "next_check_at": fields.Datetime.now() + delay,
                "note": _(
                    "Amazon's answer was lost (%(error)s). Amazon may or may not have received the submission: "
                    "ACORN asks Amazon what it holds before anything is sent again.",
                    error=error,
                ),
            }
        )

    @api.model
    def _amazon_vendor_recover_interrupted(self):
        """Submissions left ``sending`` by a worker that died: their answer is lost."""
        for transaction in self.search([("state", "=", "sending")]):
            if not is_advisory_locked(self.env.cr, SEND_LOCK, transaction.id):
                transaction._amazon_vendor_set_unknown(_("the sending worker stopped"), delay=timedelta())

    # ------------------------------------------------------------------
    # Asking Amazon what it holds
    # ------------------------------------------------------------------

    def _amazon_vendor_reconcile(self, client):
        """Resolve an ``unknown`` submission: done if Amazon holds it, sent again if it does not."""
        self.ensure_one()
        finder = OPERATIONS[self.operation][3]
        if not finder:
            self._amazon_vendor_set_error(
                _(
                    "Amazon's answer to this submission was lost and Amazon cannot be asked about it: check in "
                    "Vendor Central whether it arrived before sending it again."
                ),
                [],
            )
            return
        records = json.loads(self.payload or "{}").get(OPERATIONS[self.operation][1]) or []
        try:
            held = getattr(self, finder)(client, records)
        except spapi.SpApiError as error:
            _logger.info("Could not ask Amazon about submission %s: %s", self.id, error)
            self._amazon_vendor_postpone()
            return
        now = fields.Datetime.now()
        if held:
            note = _("Amazon's answer was lost, but Amazon holds the submission: it went through once.")
            self.message_post(body=note)
            self._amazon_vendor_apply_isolated(self._amazon_vendor_set_done, note)
        elif now - self.sent_at < timedelta(minutes=self._amazon_vendor_grace_minutes()):
            self._amazon_vendor_postpone()
        elif self.attempt_count >= MAX_ATTEMPTS:
            self._amazon_vendor_set_error(
                _("Amazon never received this submission after %(count)s attempts.", count=self.attempt_count), []
            )
        else:
            self.message_post(body=_("Amazon does not hold the submission whose answer was lost: it is sent again."))
            self._amazon_vendor_send(client)

    @api.model
    def _amazon_vendor_grace_minutes(self):
        value = self.env["ir.config_parameter"].sudo().get_param(GRACE_PARAM)
        return float(value) if value not in (None, False, "") else DEFAULT_GRACE_MINUTES

    @api.model
    def _amazon_vendor_find_acknowledgements(self, client, acknowledgements):
        """True when Amazon's PO status shows every acknowledgement of the payload.

        Amazon lists each acknowledgement it applied with its ``acknowledgementDate``, which
        ACORN sets when it builds the payload: a match is this very submission.
        """
        for ack in acknowledgements:
            statuses = client.iter_purchase_orders_status(purchase_order_number=ack["purchaseOrderNumber"])
            if not any(_status_shows(status, ack) for status in statuses):
                return False
        return True

    @api.model
    def _amazon_vendor_find_confirmations(self, client, confirmations):
        """True when GetShipmentDetails shows every ASN of the payload as confirmed.

        A Collect delivery's transport request shares the identifier and is listed before any
        ASN: only a shipment confirmed at this very confirmation date (or shipped, for an
        original ASN) is this submission.
        """
        for confirmation in confirmations:
            sent = to_amz(confirmation["shipmentConfirmationDate"])
            found = client.get_shipment_details(vendor_shipment_identifier=confirmation["shipmentIdentifier"]).get(
                "shipments"
            )
            dates = {
                to_amz(shipment["shipmentConfirmDate"])
                for shipment in found or []
                if shipment.get("shipmentConfirmDate")
            }
            shipped = any(shipment.get("currentShipmentStatus") == "Shipped" for shipment in found or [])
            original = confirmation.get("shipmentConfirmationType") != "Replace"
            if sent not in dates and not (original and shipped and not dates):
                return False
        return True

    @api.model
    def _amazon_vendor_find_transports(self, client, shipments):
        """True when Amazon holds what the transport requests asked: a New request is listed by
        GetShipmentDetails, a Cancel is no longer."""
        for shipment in shipments:
            found = client.get_shipment_details(vendor_shipment_identifier=shipment["vendorShipmentIdentifier"]).get(
                "shipments"
            )
            if bool(found) == (shipment.get("transactionType") == "Cancel"):
                return False
        return True

    def _amazon_vendor_find_invoices(self, client, invoices):
        """True when Amazon's accounts payable holds every invoice of the payload (getInvoice by
        ``number~vendor code`` answers); a 404 means it does not."""
        for invoice in invoices:
            code = invoice["remitToParty"]["partyId"]
            try:
                client.get_invoice(
                    f"{invoice['id']}~{code}",
                    marketplace_id=self.account_id._amazon_vendor_marketplace_id(code),
                )
            except spapi.RequestError as error:
                if error.status == 404:
                    return False
                raise
        return True


def _status_shows(status, ack):
    """Does one ``OrderStatus`` carry the acknowledgement ``ack`` (as sent)?"""
    sent = to_amz(ack["acknowledgementDate"])
    items = status.get("itemStatus") or []
    details = [
        detail
        for item in items
        for detail in ((item.get("acknowledgementStatus") or {}).get("acknowledgementStatusDetails") or [])
    ]
    if details:
        return any(
            detail.get("acknowledgementDate") and to_amz(detail["acknowledgementDate"]) == sent for detail in details
        )
    # Without details, the quantities Amazon confirmed must be the ones sent, item by item.
    by_sequence = {str(item.get("itemSequenceNumber")): item for item in items}
    for sent_item in ack.get("items") or []:
        item = by_sequence.get(str(sent_item.get("itemSequenceNumber")))
        ack_status = (item or {}).get("acknowledgementStatus") or {}
        if ack_status.get("confirmationStatus") in (None, "UNCONFIRMED"):
            return False
        accepted = sum(
            _eaches(entry["acknowledgedQuantity"])
            for entry in sent_item.get("itemAcknowledgements") or []
            if entry.get("acknowledgementCode") != "Rejected"
        )
        if _eaches(ack_status.get("acceptedQuantity") or {}) != accepted:
            return False
    return True


def _eaches(quantity):
    size = (quantity.get("unitSize") or 1) if quantity.get("unitOfMeasure") == "Cases" else 1
    return (quantity.get("amount") or 0) * size
