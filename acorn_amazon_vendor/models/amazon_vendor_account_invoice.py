from datetime import timedelta

from odoo import _, api, fields, models

from ..spapi import DEFAULT_MARKETPLACE, marketplace_id
from .concurrency import USER_GROUP, check_group, commit
from .notification import notification

# Amazon's Invoices API reads at most 90 days of issue dates at once.
ISSUE_SPAN = timedelta(days=89)


class AmazonVendorAccount(models.Model):
    _inherit = "amazon.vendor.account"

    invoice_sending = fields.Selection(
        [
            ("send_screen", "From Odoo's Send screen"),
            ("auto", "Automatically when posted"),
        ],
        string="Invoices",
        default="send_screen",
        required=True,
        help="How invoices of Amazon orders go to Amazon: when an accountant sends them from the invoice's Send "
        "screen (by Amazon Vendor Central), or as soon as they are posted.",
    )
    invoice_cost_check = fields.Selection(
        [
            ("block", "Block the invoice"),
            ("warn", "Warn only"),
        ],
        string="Cost Differences",
        default="block",
        required=True,
        help="An invoiced net cost that differs from the acknowledged cost makes Amazon hold the payment: block "
        "such invoices, or only warn.",
    )

    invoice_status_cursor = fields.Datetime(
        string="Invoices Changed Since",
        copy=False,
        help="Amazon's invoices changed after this moment are read at the next synchronisation.",
    )
    invoice_status_synced_at = fields.Datetime(string="Invoice Status Synced", readonly=True, copy=False)

    def _amazon_vendor_marketplace_id(self, vendor_code=None):
        """:return: the marketplaceId of ``vendor_code`` (or of the account's region) for the
        Invoices API"""
        self.ensure_one()
        code = self.vendor_code_ids.filtered(lambda c: c.name == vendor_code)[:1] if vendor_code else None
        marketplace = (code.marketplace if code else False) or DEFAULT_MARKETPLACE.get(self.region or "na", "US")
        return marketplace_id(marketplace)

    # ------------------------------------------------------------------ Amazon's view of invoices

    @api.model
    def _cron_sync_invoice_status(self):
        """Bring back Amazon's status, matching and payment of invoices, each account on its own."""
        accounts = self.search([("active", "=", True)])
        for done, account in enumerate(accounts, 1):
            account._amazon_vendor_run_isolated(account._amazon_vendor_sync_invoices, _("Invoice status"))
            account._amazon_vendor_run_isolated(account._amazon_vendor_flag_discrepancies, _("Four-way match"))
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(accounts) - done)
            commit(self.env, "an account's invoice status is final")

    def action_sync_invoice_status(self):
        """Read Amazon's view of the account's invoices now."""
        check_group(self.env, USER_GROUP)
        counts = []
        for account in self:
            counts.append(account._amazon_vendor_sync_as_system()._amazon_vendor_sync_invoices())
            account._amazon_vendor_sync_as_system()._amazon_vendor_flag_discrepancies()
        return notification(
            _("Amazon invoices"),
            _("%(count)s invoice(s) updated from Amazon's accounts payable.", count=sum(counts)),
        )

    def _amazon_vendor_sync_invoices(self):
        """getInvoiceHeaders since the last run (at most 90 days of issue dates), then getInvoice
        for the lines of the invoices Odoo sent: status, matched, paid and variances.

        :return: how many invoices were read
        """
        self.ensure_one()
        started = fields.Datetime.now()
        client = self._get_spapi_client()
        Numbers = self.env["amazon.vendor.invoice.number"].sudo()
        issued_from = started - ISSUE_SPAN
        modified_after = self.invoice_status_cursor
        marketplaces = {self._amazon_vendor_marketplace_id(code.name) for code in self.vendor_code_ids} or {
            self._amazon_vendor_marketplace_id()
        }
        count = 0
        for marketplace in sorted(marketplaces):
            filters = {"marketplace_id": marketplace, "from_issue_date": issued_from, "to_issue_date": started}
            if modified_after:
                filters["invoices_modified_after"] = modified_after
            for header in client.iter_invoice_headers(**filters):
                claim = Numbers._amazon_vendor_apply_header(self, header)
                if claim.move_id:
                    items = list(client.iter_invoice_items(header["invoiceIdentifier"], marketplace_id=marketplace))
                    claim.move_id._amazon_vendor_apply_amazon_lines(items)
                count += 1
        self.write({"invoice_status_cursor": started, "invoice_status_synced_at": started})
        return count

    def _amazon_vendor_flag_discrepancies(self):
        """An activity on each order whose four-way match shows a discrepancy (once while open).

        :return: the activities created
        """
        self.ensure_one()
        lines = self.env["amazon.vendor.match.report"].sudo()._amazon_vendor_discrepancies(self)
        activities = self.env["mail.activity"]
        activity_type = self.env.ref("acorn_amazon_vendor.mail_activity_type_discrepancy")
        for order, order_lines in lines.grouped("order_id").items():
            activities |= order.sudo()._amazon_vendor_flag_discrepancies(order_lines, activity_type)
        return activities
