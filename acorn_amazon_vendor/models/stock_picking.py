"""Amazon deliveries: cartons, pallets and SSCCs on the picking, and its shipment notice (ASN)."""

import json
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .concurrency import USER_GROUP, can_commit, check_group, commit
from .notification import notification

_logger = logging.getLogger(__name__)

ASN = "SubmitShipmentConfirmations"
# Amazon expects the ASN within 30 minutes of the truck leaving.
ASN_DEADLINE = timedelta(minutes=30)
# An ASN may be replaced for 7 days after it was first sent, before the goods arrive.
REPLACE_WINDOW = timedelta(days=7)
# A validated delivery's ASN waits this long before going, so the warehouse can look at it.
AUTO_SEND_DELAY = timedelta(minutes=2)
ASN_STATES = [
    ("none", "No ASN"),
    ("to_send", "To Send"),
    ("to_approve", "To Approve"),
    ("blocked", "Cannot Be Sent"),
    ("sent", "Sent"),
    ("done", "Accepted by Amazon"),
    ("error", "Rejected by Amazon"),
]
LABEL_REPORTS = {
    "pdf": "acorn_amazon_vendor.action_report_amazon_vendor_package_label",
    "zpl": "acorn_amazon_vendor.action_report_amazon_vendor_package_label_zpl",
}
SHIPMENT_TYPES = [
    ("SmallParcel", "Small Parcel"),
    ("LessThanTruckLoad", "Less than Truckload (LTL)"),
    ("TruckLoad", "Truckload (TL)"),
]


class StockPicking(models.Model):
    _inherit = "stock.picking"

    amazon_vendor_account_id = fields.Many2one(
        "amazon.vendor.account",
        string="Amazon Account",
        compute="_compute_amazon_vendor_account_id",
        store=True,
        index="btree_not_null",
    )
    amazon_vendor_is_amazon = fields.Boolean(
        string="Amazon Delivery",
        compute="_compute_amazon_vendor_account_id",
        store=True,
        help="An outgoing delivery of Amazon purchase orders.",
    )
    amazon_vendor_asn_state = fields.Selection(
        ASN_STATES,
        string="ASN",
        default="none",
        required=True,
        copy=False,
        readonly=True,
        tracking=True,
        help="Where the advance shipment notice (ASN) of this delivery stands.",
    )
    amazon_vendor_shipment_identifier = fields.Char(
        string="ASN Shipment ID",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The shipmentIdentifier of this delivery's ASN: never reused (Amazon refuses one used in the "
        "last 365 days); a replacement ASN keeps it.",
    )
    amazon_vendor_asn_problems = fields.Text(
        string="Why the ASN Cannot Go",
        copy=False,
        readonly=True,
    )
    amazon_vendor_asn_send_at = fields.Datetime(
        string="ASN Goes At",
        copy=False,
        readonly=True,
        help="When the scheduled action sends the ASN of this validated delivery.",
    )
    amazon_vendor_asn_sent_at = fields.Datetime(string="ASN First Sent", copy=False, readonly=True)
    amazon_vendor_asn_late = fields.Boolean(
        string="ASN Late",
        copy=False,
        readonly=True,
        help="The ASN left more than 30 minutes after the goods: Amazon may charge for a late ASN.",
    )
    amazon_vendor_asn_approved_by = fields.Many2one("res.users", string="ASN Approved By", copy=False, readonly=True)
    amazon_vendor_shipment_type = fields.Selection(
        SHIPMENT_TYPES,
        string="Shipment Type",
        compute="_compute_amazon_vendor_shipment_type",
        store=True,
        readonly=False,
        copy=False,
        help="Small parcel when nothing is palletised; less than truckload otherwise. Change it for a full truck.",
    )
    amazon_vendor_carrier_scac = fields.Char(
        string="Carrier SCAC",
        copy=False,
        help="Standard Carrier Alpha Code of the carrier (2 to 4 letters); required for truck shipments to "
        "North America.",
    )
    amazon_vendor_pro_number = fields.Char(
        string="PRO Number",
        copy=False,
        help="The carrier's shipment reference (progressive number); required for truck shipments to North America.",
    )
    amazon_vendor_bol_number = fields.Char(
        string="Bill of Lading",
        copy=False,
        help="Bill of lading number, as on the paper BOL. Left empty, one is made from the vendor code.",
    )
    amazon_vendor_transport_mode = fields.Selection(
        [("Road", "Road"), ("Air", "Air"), ("Ocean", "Ocean")],
        string="Transport Mode",
        default="Road",
        copy=False,
    )
    amazon_vendor_estimated_delivery = fields.Datetime(
        string="Estimated Delivery",
        copy=False,
        help="When the goods should reach Amazon's fulfilment centre. Left empty: the start of the PO's delivery "
        "window, else three days after shipping at noon in the warehouse's time zone.",
    )
    amazon_vendor_arn = fields.Char(
        string="Amazon Reference Number",
        copy=False,
        help="The ARN Amazon gives to freight it collects (Collect POs); mandatory in their ASN.",
    )
    amazon_vendor_pallet_count = fields.Integer(string="Pallets", compute="_compute_amazon_vendor_packing")
    amazon_vendor_carton_count = fields.Integer(string="Cartons", compute="_compute_amazon_vendor_packing")
    amazon_vendor_asn_transaction_count = fields.Integer(compute="_compute_amazon_vendor_asn_transaction_count")

    @api.depends("move_ids.sale_line_id.order_id.amazon_vendor_account_id", "picking_type_code")
    def _compute_amazon_vendor_account_id(self):
        for picking in self:
            accounts = picking.move_ids.sale_line_id.order_id.amazon_vendor_account_id
            outgoing = picking.picking_type_code == "outgoing"
            picking.amazon_vendor_account_id = accounts[:1] if outgoing else False
            picking.amazon_vendor_is_amazon = bool(picking.amazon_vendor_account_id)

    @api.depends("move_line_ids.result_package_id.amazon_vendor_pallet_id", "amazon_vendor_account_id")
    def _compute_amazon_vendor_shipment_type(self):
        for picking in self:
            if not picking.amazon_vendor_account_id:
                picking.amazon_vendor_shipment_type = False
            elif picking._amazon_vendor_pallets():
                kept = picking.amazon_vendor_shipment_type in ("TruckLoad", "LessThanTruckLoad")
                picking.amazon_vendor_shipment_type = (
                    picking.amazon_vendor_shipment_type if kept else "LessThanTruckLoad"
                )
            else:
                picking.amazon_vendor_shipment_type = "SmallParcel"

    def _compute_amazon_vendor_packing(self):
        for picking in self:
            picking.amazon_vendor_carton_count = len(picking._amazon_vendor_cartons())
            picking.amazon_vendor_pallet_count = len(picking._amazon_vendor_pallets())

    @api.depends_context("uid")
    def _compute_amazon_vendor_asn_transaction_count(self):
        if not self.env.user.has_group(USER_GROUP):
            self.amazon_vendor_asn_transaction_count = 0
            return
        groups = self.env["amazon.vendor.transaction"]._read_group(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)], ["res_id"], ["__count"]
        )
        counts = dict(groups)
        for picking in self:
            picking.amazon_vendor_asn_transaction_count = counts.get(picking.id, 0)

    # ------------------------------------------------------------------ packing

    def _amazon_vendor_cartons(self):
        """The packages goods leave in (Odoo's destination packages of the move lines)."""
        return self.move_line_ids.filtered(lambda line: line.quantity).result_package_id

    def _amazon_vendor_pallets(self):
        return self._amazon_vendor_cartons().amazon_vendor_pallet_id

    def action_amazon_vendor_put_on_pallet(self):
        """Open the wizard that loads this delivery's cartons on a pallet."""
        check_group(self.env, "stock.group_stock_user")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Put on Pallet"),
            "res_model": "amazon.vendor.pallet.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_picking_id": self.id},
        }

    def action_amazon_vendor_print_labels(self):
        """The GS1 labels of every carton and pallet of the delivery, in the account's format."""
        check_group(self.env, "stock.group_stock_user")
        packages = self._amazon_vendor_cartons() | self._amazon_vendor_pallets()
        if not packages:
            raise UserError(_("Put the goods in packs first: the labels are those of the cartons and pallets."))
        label_format = self.sudo().amazon_vendor_account_id[:1].asn_label_format
        report = self.env.ref(LABEL_REPORTS["zpl" if label_format == "zpl" else "pdf"])
        # The labels are GS1 labels, not company documents: never stop on the document layout.
        return report.report_action(packages, config=False)

    def button_validate(self):
        result = super().button_validate()
        printed = self.filtered(lambda p: p.state == "done" and p.amazon_vendor_account_id)
        if result is True and len(printed) == 1 and printed.sudo().amazon_vendor_account_id.asn_label_print:
            return printed.action_amazon_vendor_print_labels()
        return result

    def _put_in_pack(self, move_line_ids):
        package = super()._put_in_pack(move_line_ids)
        amazon = self.filtered("amazon_vendor_account_id")
        if amazon and amazon.company_id.amazon_vendor_gs1_prefix:
            # Named by its SSCC at once: the carton label can be printed before validation.
            package._amazon_vendor_assign_ssccs(amazon.company_id[:1])
        return package

    # ------------------------------------------------------------------ validation

    def _pre_action_done_hook(self):
        for picking in self.filtered("amazon_vendor_account_id"):
            picking._amazon_vendor_check_container_codes()
        return super()._pre_action_done_hook()

    def _amazon_vendor_check_container_codes(self):
        """Every carton and pallet leaves with an SSCC (or Amazon's own code): refuse to validate
        when neither can be given, rather than ship cartons Amazon cannot receive against the ASN."""
        packages = self._amazon_vendor_cartons() | self._amazon_vendor_pallets()
        missing = packages.filtered(lambda package: not package._amazon_vendor_container_code()[0])
        if missing and not self.company_id.amazon_vendor_gs1_prefix:
            raise UserError(
                _(
                    "Amazon receives every carton and pallet by its SSCC, and %(company)s has no GS1 company prefix "
                    "to make them from. Set it in Settings > Amazon Vendor, or enter Amazon's container code (AMZNCC) "
                    "on these packages: %(packages)s.",
                    company=self.company_id.name,
                    packages=", ".join(missing.mapped("name")),
                )
            )

    def _action_done(self):
        result = super()._action_done()
        for picking in self.filtered(lambda p: p.amazon_vendor_account_id and p.state == "done"):
            # The warehouse user validating needs no right on the Amazon account.
            picking.sudo()._amazon_vendor_after_validation()
        return result

    def _amazon_vendor_after_validation(self):
        """Give the cartons and pallets their SSCCs, then send, queue or hold the ASN.

        Nothing here may stop the validation: the goods have left. What is missing is said on
        the delivery, and the ASN waits.
        """
        self.ensure_one()
        packages = self._amazon_vendor_cartons() | self._amazon_vendor_pallets()
        if self.company_id.amazon_vendor_gs1_prefix:
            packages._amazon_vendor_assign_ssccs(self.company_id)
        if not self.amazon_vendor_shipment_identifier:
            self.amazon_vendor_shipment_identifier = self._amazon_vendor_new_shipment_identifier()
        problems = self._amazon_vendor_asn_problems()
        if problems:
            self._amazon_vendor_block(problems)
        elif self.amazon_vendor_account_id.asn_approval == "manager":
            self.write({"amazon_vendor_asn_state": "to_approve", "amazon_vendor_asn_problems": False})
            self._amazon_vendor_ask_approval()
        else:
            self._amazon_vendor_plan_send(fields.Datetime.now() + AUTO_SEND_DELAY)

    def _amazon_vendor_new_shipment_identifier(self):
        return self.env["ir.sequence"].sudo().next_by_code("acorn_amazon_vendor.asn") or self.name

    def _amazon_vendor_plan_send(self, when):
        self.write(
            {
                "amazon_vendor_asn_state": "to_send",
                "amazon_vendor_asn_send_at": when,
                "amazon_vendor_asn_problems": False,
            }
        )
        self.env.ref("acorn_amazon_vendor.ir_cron_send_asns")._trigger(at=when)

    def _amazon_vendor_block(self, problems):
        text = "\n".join(problems)
        if self.amazon_vendor_asn_problems != text:
            self.message_post(body=Markup("%s<br/>%s") % (_("The ASN cannot be sent:"), Markup("<br/>").join(problems)))
        self.write({"amazon_vendor_asn_state": "blocked", "amazon_vendor_asn_problems": text})

    def _amazon_vendor_ask_approval(self):
        managers = self.env.ref("stock.group_stock_manager").users.filtered(
            lambda user: self.company_id in user.company_ids
        )
        responsible = self.amazon_vendor_account_id.user_id
        user = responsible if responsible in managers else managers[:1]
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Approve the ASN of %(picking)s", picking=self.name),
            note=_("Look at the shipment notice on the delivery, then press Approve and Send ASN."),
            **({"user_id": user.id} if user else {}),
        )

    # ------------------------------------------------------------------ sending

    def action_amazon_vendor_submit_asn(self):
        """Send this delivery's ASN to Amazon (SubmitShipmentConfirmations), exactly once.

        From the screens (context ``amazon_vendor_preview``) it first shows what will be sent.
        Where the account asks for approval, only stock managers may send.

        :raise UserError: naming every reason the ASN cannot go
        """
        check_group(self.env, "stock.group_stock_user")
        # Warehouse staff send ASNs without any right on the Amazon account itself.
        if "manager" in self.sudo().amazon_vendor_account_id.mapped("asn_approval"):
            check_group(self.env, "stock.group_stock_manager")
        self.check_access("write")
        if self.env.context.get("amazon_vendor_preview"):
            return self.env["amazon.vendor.asn.wizard"]._amazon_vendor_open(self)
        return self._amazon_vendor_send_asns("Original")

    def action_amazon_vendor_replace_asn(self):
        """Send a replacement of the accepted ASN (same shipment ID, reduced quantities only)."""
        check_group(self.env, "stock.group_stock_manager")
        self.check_access("write")
        if self.env.context.get("amazon_vendor_preview"):
            return self.env["amazon.vendor.asn.wizard"]._amazon_vendor_open(self, replace=True)
        return self._amazon_vendor_send_asns("Replace")

    def action_amazon_vendor_hold_asn(self):
        """Keep a validated delivery's ASN from going until a stock manager approves it."""
        check_group(self.env, "stock.group_stock_user")
        self.check_access("write")
        for picking in self.filtered(lambda p: p.amazon_vendor_asn_state == "to_send"):
            picking.sudo().write({"amazon_vendor_asn_state": "to_approve", "amazon_vendor_asn_send_at": False})
            picking.message_post(body=_("The ASN is held: it goes once a stock manager approves it."))
        return True

    def action_amazon_vendor_view_asn_transactions(self):
        check_group(self.env, USER_GROUP)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("acorn_amazon_vendor.amazon_vendor_transaction_action")
        action["domain"] = [("res_model", "=", self._name), ("res_id", "=", self.id)]
        action["context"] = {}
        return action

    def _amazon_vendor_send_asns(self, confirmation_type):
        """Send each delivery's ASN; :return: the notification saying how it went."""
        transactions, refused = self.env["amazon.vendor.transaction"], []
        for picking in self:
            try:
                transactions |= picking.sudo()._amazon_vendor_send_asn(confirmation_type)
            except UserError as error:
                # Someone else is sending this one; the others went (and were committed) already.
                refused.append(str(error))
        refused += [
            _("%(picking)s: %(problems)s", picking=picking.name, problems=picking.amazon_vendor_asn_problems)
            for picking in self
            if picking.amazon_vendor_asn_state == "blocked"
        ]
        failed = transactions.filtered(lambda t: t.state == "error")
        if failed or refused:
            return notification(_("ASN not sent"), "\n".join(failed.mapped("error_message") + refused), "danger")
        if transactions.filtered(lambda t: t.state in ("draft", "unknown")):
            return notification(
                _("ASN on its way"),
                _(
                    "Amazon did not answer clearly; ACORN makes sure it arrives once. The verdict appears on the "
                    "delivery."
                ),
                "warning",
            )
        return notification(_("ASN sent to Amazon"), _("Amazon is processing it; its verdict appears on the delivery."))

    def _amazon_vendor_send_asn(self, confirmation_type):
        """Lock, re-read the POs, check, build and submit: one sender at a time, nothing sent that
        breaks Amazon's rules.

        :return: the ``amazon.vendor.transaction``, or an empty one when the ASN cannot go (its
            problems are then written on the delivery, state ``blocked``)
        :raise UserError: when someone else is sending it right now
        """
        self.ensure_one()
        Transaction = self.env["amazon.vendor.transaction"]
        Transaction._amazon_vendor_lock_document(self)
        if self.company_id.amazon_vendor_gs1_prefix:
            # A prefix set since validation: the packages get their SSCCs now.
            (self._amazon_vendor_cartons() | self._amazon_vendor_pallets())._amazon_vendor_assign_ssccs(self.company_id)
        problems = self._amazon_vendor_submission_problems(confirmation_type)
        if problems:
            self._amazon_vendor_block(problems)
            return Transaction
        payload = {"shipmentConfirmations": [self._amazon_vendor_prepare_asn_vals(confirmation_type)]}
        now = fields.Datetime.now()
        self.write(
            {
                "amazon_vendor_asn_state": "sent",
                "amazon_vendor_asn_send_at": False,
                "amazon_vendor_asn_problems": False,
                "amazon_vendor_asn_sent_at": self.amazon_vendor_asn_sent_at or now,
                "amazon_vendor_asn_late": self.amazon_vendor_asn_late
                or bool(self.date_done and now - self.date_done > ASN_DEADLINE),
                "amazon_vendor_asn_approved_by": self.env.user.id,
            }
        )
        transaction = Transaction._amazon_vendor_submit(self.amazon_vendor_account_id, self, ASN, payload)
        if transaction.state == "error":
            self.amazon_vendor_asn_state = "error"
        return transaction

    def _amazon_vendor_submission_problems(self, confirmation_type):
        """Amazon's rules, with Amazon's current view of the POs, and the Replace rules."""
        if self.state != "done":
            return [_("Validate the delivery first: an ASN describes goods that left.")]
        if self.env["amazon.vendor.transaction"]._amazon_vendor_pending(self, ASN):
            return [_("An ASN of this delivery is already on its way to Amazon; wait for its verdict.")]
        problems = self._amazon_vendor_asn_problems(amazon_pos=self._amazon_vendor_fetch_pos())
        if confirmation_type == "Replace":
            problems += self._amazon_vendor_replace_problems()
        elif self.amazon_vendor_asn_state == "done":
            problems.append(_("Amazon accepted this ASN already; send a replacement to correct it."))
        return problems

    def _amazon_vendor_fetch_pos(self):
        """Amazon's current version of the POs of this delivery (a PO may have changed since import).

        :return: {PO number: Order dict}; a PO that could not be read is left out, with the reason
        """
        try:
            client = self.amazon_vendor_account_id._get_spapi_client(record=self)
        except UserError as error:
            return {
                number: {"error": str(error)}
                for number in self._amazon_vendor_orders().mapped("amazon_vendor_po_number")
            }
        found = {}
        for number in self._amazon_vendor_orders().mapped("amazon_vendor_po_number"):
            try:
                found[number] = client.get_purchase_order(number)
            except Exception as error:  # noqa: BLE001 - the check says what it could not verify
                _logger.info("Amazon PO %s could not be re-read before its ASN: %s", number, error)
                found[number] = {"error": str(error)}
        return found

    def _amazon_vendor_replace_problems(self):
        problems = []
        previous = self._amazon_vendor_accepted_asn()
        if not previous:
            return [_("Amazon has accepted no ASN of this delivery yet: there is nothing to replace.")]
        if fields.Datetime.now() > (self.amazon_vendor_asn_sent_at or fields.Datetime.now()) + REPLACE_WINDOW:
            problems.append(
                _(
                    "Amazon accepts a replacement for 7 days only; this ASN was first sent on %(date)s.",
                    date=self.amazon_vendor_asn_sent_at,
                )
            )
        before = _shipped_by_item(previous)
        now = _shipped_by_item(self._amazon_vendor_prepare_asn_vals("Replace"))
        for key, amount in sorted(now.items()):
            if amount > before.get(key, 0):
                problems.append(
                    _(
                        "PO %(po)s item %(seq)s: a replacement may only reduce quantities (%(new)s instead of "
                        "%(old)s).",
                        po=key[0],
                        seq=key[1],
                        new=amount,
                        old=before.get(key, 0),
                    )
                )
        return problems

    def _amazon_vendor_accepted_asn(self):
        """The last shipment confirmation Amazon accepted for this delivery, or None."""
        transaction = (
            self.env["amazon.vendor.transaction"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("operation", "=", ASN),
                    ("state", "=", "done"),
                ],
                order="id desc",
                limit=1,
            )
        )
        confirmations = json.loads(transaction.payload or "{}").get("shipmentConfirmations") if transaction else None
        return confirmations[0] if confirmations else None

    @api.model
    def _cron_send_asns(self):
        """Send the ASNs of validated deliveries whose time has come, each in its own transaction."""
        pickings = self.search(
            [("amazon_vendor_asn_state", "=", "to_send"), ("amazon_vendor_asn_send_at", "<=", fields.Datetime.now())]
        )
        for done, picking in enumerate(pickings, 1):
            picking._amazon_vendor_send_scheduled()
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(pickings) - done)

    def _amazon_vendor_send_scheduled(self):
        """Send one queued ASN; a failure leaves it queued for the next run, never stops the others."""
        try:
            if can_commit():
                self._amazon_vendor_send_asn("Original")
            else:
                with self.env.cr.savepoint():
                    self._amazon_vendor_send_asn("Original")
        except UserError as error:
            # Being sent by someone else right now: their send settles it.
            _logger.info("ASN of %s not sent by the scheduled action: %s", self.name, error)
        except Exception:  # noqa: BLE001 - one delivery must not stop the others
            _logger.exception("ASN of %s could not be sent; tried again at the next run", self.name)
            if can_commit():
                self.env.cr.rollback()
        commit(self.env, "one delivery's ASN is final")

    # ------------------------------------------------------------------ Amazon's verdict

    def _amazon_vendor_transaction_done(self, transaction):
        if transaction.operation != ASN:
            return
        self.amazon_vendor_asn_state = "done"
        # Evidence for shortage claims: what Amazon accepted, kept on the delivery.
        self.env["ir.attachment"].create(
            {
                "name": f"ASN {self.amazon_vendor_shipment_identifier}.json",
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/json",
                "raw": (transaction.payload or "{}").encode(),
            }
        )

    def _amazon_vendor_transaction_failed(self, transaction):
        if transaction.operation == ASN:
            self.amazon_vendor_asn_state = "error"


def _shipped_by_item(confirmation):
    """{(PO number, item sequence): amount} of a ShipmentConfirmation's shipped items."""
    totals = {}
    for item in confirmation.get("shippedItems") or []:
        key = ((item.get("itemDetails") or {}).get("purchaseOrderNumber"), item.get("itemSequenceNumber"))
        totals[key] = totals.get(key, 0) + item["shippedQuantity"]["amount"]
    return totals
