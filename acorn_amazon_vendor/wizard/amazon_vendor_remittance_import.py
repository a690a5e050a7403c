import base64
import logging
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.concurrency import USER_GROUP, check_group
from ..models.notification import notification
from ..tools.deduction import classify
from ..tools.remittance_file import RemittanceFileError, is_payables, parse_payables, parse_remittance

_logger = logging.getLogger(__name__)

# Beyond this many lines the file is stored at once and posted by the scheduler, which shows
# its progress, instead of holding the accountant's screen.
DEFAULT_BACKGROUND_LINES = 2000
PAYABLE_TYPES = {"chargeback": "chargeback", "contra cogs": "coop", "product returns": "return"}


class AmazonVendorRemittanceImport(models.TransientModel):
    _name = "amazon.vendor.remittance.import"
    _description = "Import Amazon Remittance"

    data_file = fields.Binary(string="File", required=True, help="Payments.xlsx or its CSV, or the payables list.")
    data_filename = fields.Char(string="File Name")
    account_id = fields.Many2one(
        "amazon.vendor.account",
        string="Amazon Account",
        default=lambda self: self._default_account(),
        help="The Vendor Central account the file comes from (needed when the company has several).",
    )

    @api.model
    def _default_account(self):
        if self.env.context.get("active_model") == "amazon.vendor.account":
            return self.env.context.get("active_id")
        accounts = self.env["amazon.vendor.account"].search([("company_id", "=", self.env.company.id)], limit=2)
        return accounts.id if len(accounts) == 1 else False

    def action_import(self):
        """Store every payment of the file once and post it; a payables list updates what is
        still to be deducted. :return: a notification, then the imported payments"""
        check_group(self.env, USER_GROUP)
        self.ensure_one()
        account = self.account_id or self.env["amazon.vendor.account"].browse(self._default_account())
        if not account:
            raise UserError(_("Choose the Amazon account the file comes from."))
        content = base64.b64decode(self.data_file or b"")
        try:
            if is_payables(content, self.data_filename):
                return self._import_payables(account.sudo(), parse_payables(content, self.data_filename))
            parsed = parse_remittance(content, self.data_filename)
        except RemittanceFileError as error:
            raise UserError(
                _(
                    "%(file)s cannot be imported: %(reason)s",
                    file=self.data_filename or _("The file"),
                    reason=self._file_message(error.code, error.params),
                )
            ) from error
        return self._import_remittance(account.sudo(), parsed)

    def _file_message(self, code, params):
        """:return: the translated text of a problem of the file (see tools.remittance_file.MESSAGES)"""
        texts = {
            "unreadable": _("The spreadsheet cannot be read: %(detail)s"),
            "missing_columns": _("Row %(row)s: no column %(columns)s in the header."),
            "bad_cell": _("Row %(row)s: '%(value)s' is not an amount or a date."),
            "not_remittance": _("No payment and no invoice section: this is not a Vendor Central remittance export."),
            "no_payables_header": _('No header row starting with "Vendor code".'),
            "payment_without_row": _("Payment %(payment)s has lines but no row in the payment section."),
        }
        return texts[code] % params

    def _import_remittance(self, account, parsed):
        Remittance = self.env["amazon.vendor.remittance"].sudo()
        lines_of = defaultdict(list)
        for line in parsed["lines"]:
            lines_of[line["payment_number"]].append(line)
        hidden = parsed["hidden"]
        remittances, created = Remittance, Remittance
        for payment in parsed["payments"]:
            number = payment["payment_number"]
            remittance, new = Remittance._amazon_vendor_create_from(
                account, payment, lines_of[number], "file", self.data_filename, number in hidden or "*" in hidden
            )
            remittances |= remittance
            if new:
                created |= remittance
        self._post_or_defer(created)
        return self._result(remittances, created, parsed)

    def _post_or_defer(self, remittances):
        limit = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("acorn_amazon_vendor.remittance_background_lines", DEFAULT_BACKGROUND_LINES)
        )
        for remittance in remittances.filtered("hidden_lines"):
            remittance.message_post(
                body=_(
                    "Amazon did not display every line of this payment: the ordering codes of some lines are not "
                    "set up in Vendor Central. What the listed lines do not explain is booked to suspense."
                )
            )
        if sum(remittances.mapped("line_count")) > limit:
            self.env.ref("acorn_amazon_vendor.ir_cron_post_remittances")._trigger()
            return
        remittances.action_post()

    def _result(self, remittances, created, parsed):
        messages = [
            _(
                "%(new)s payment(s) imported, %(same)s already in Odoo.",
                new=len(created),
                same=len(remittances - created),
            )
        ]
        posted = created.filtered(lambda r: r.state == "posted")
        if created and posted != created:
            waiting = len(created.filtered(lambda r: r.state == "draft"))
            failed = len(created.filtered(lambda r: r.state == "error"))
            if waiting:
                messages.append(_("%(count)s are being posted in the background.", count=waiting))
            if failed:
                messages.append(_("%(count)s could not be posted: see each payment.", count=failed))
        if created.filtered("hidden_lines"):
            messages.append(
                _("Amazon hid some lines of %(count)s payment(s).", count=len(created.filtered("hidden_lines")))
            )
        messages += [self._file_message(code, params) for code, params in parsed["warnings"]]
        level = "warning" if len(messages) > 1 else "success"
        action = {
            "type": "ir.actions.act_window",
            "name": _("Amazon Payments"),
            "res_model": "amazon.vendor.remittance",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", remittances.ids)],
        }
        return notification(_("Amazon remittance"), " ".join(messages), level, next_action=action)

    def _import_payables(self, account, records):
        """What Amazon still has to deduct, per claim: the claims are there before the money goes."""
        Claim = self.env["amazon.vendor.claim"].sudo()
        count = 0
        for record in records:
            number = (record.get("number") or "").strip()
            if not number:
                continue
            found = classify(number, record.get("type") or "", -abs(record.get("invoice_amount") or 0.0))
            claim_type = PAYABLE_TYPES.get((record.get("type") or "").strip().lower()) or Claim._amazon_vendor_type_of(
                found.family
            )
            name = found.claim if found.family else number
            claim = Claim.search([("account_id", "=", account.id), ("name", "=", name)], limit=1)
            vals = {"pending_amount": abs(record.get("balance") or 0.0), "announced_date": record.get("date")}
            if claim:
                claim.write(vals)
            else:
                Claim.create(
                    {
                        **vals,
                        "name": name,
                        "claim_type": claim_type,
                        "account_id": account.id,
                        "vendor_code": record.get("vendor_code") or "",
                        "currency_id": account.company_id.currency_id.id,
                        "description": record.get("type"),
                    }
                )
            count += 1
        return notification(
            _("Amazon payables"),
            _("%(count)s deduction(s) Amazon is about to take are listed.", count=count),
            next_action={
                "type": "ir.actions.act_window",
                "name": _("Deductions"),
                "res_model": "amazon.vendor.claim",
                "view_mode": "list,form",
                "views": [(False, "list"), (False, "form")],
                "domain": [("account_id", "=", account.id), ("pending_amount", ">", 0)],
            },
        )
