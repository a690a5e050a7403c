import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.barcode import get_barcode_check_digit

GS1_PREFIX_RE = re.compile(r"^\d{6,12}$")
SSCC_SEQUENCE_CODE = "acorn_amazon_vendor.sscc"


def next_ssccs(sequence, extension, prefix, count):
    """``count`` SSCC-18s: extension digit, GS1 prefix, the next serials of ``sequence``, check digit.

    :raise UserError: when the prefix's serials are used up
    """
    serial_digits = 16 - len(prefix)
    ssccs = []
    for _index in range(count):
        serial = int(sequence.next_by_id())
        if serial >= 10**serial_digits:
            raise UserError(
                sequence.env._(
                    "The SSCC serials of GS1 prefix %(prefix)s are used up: ask GS1 for another prefix or change "
                    "the extension digit.",
                    prefix=prefix,
                )
            )
        body = f"{extension}{prefix}{serial:0{serial_digits}d}"
        ssccs.append(body + str(get_barcode_check_digit(body + "0")))
    return ssccs


class ResCompany(models.Model):
    _inherit = "res.company"

    amazon_vendor_gs1_prefix = fields.Char(
        string="GS1 Company Prefix",
        help="The 6 to 12 digits GS1 assigned to your company. Every carton and pallet shipped to "
        "Amazon gets an SSCC made of an extension digit, this prefix, a serial number and a check digit.",
    )
    amazon_vendor_sscc_extension = fields.Char(
        string="SSCC Extension Digit",
        default="0",
        size=1,
        help="The first digit of your SSCCs (0-9), chosen by your company to widen the range of serials.",
    )

    @api.constrains("amazon_vendor_gs1_prefix", "amazon_vendor_sscc_extension")
    def _check_amazon_vendor_gs1_prefix(self):
        for company in self:
            prefix = company.amazon_vendor_gs1_prefix
            if prefix and not GS1_PREFIX_RE.match(prefix):
                raise ValidationError(
                    _("A GS1 company prefix is 6 to 12 digits, without spaces: %(prefix)s", prefix=prefix)
                )
            if not re.fullmatch(r"\d", company.amazon_vendor_sscc_extension or "0"):
                raise ValidationError(_("The SSCC extension is a single digit from 0 to 9."))

    def write(self, vals):
        result = super().write(vals)
        if {"amazon_vendor_gs1_prefix", "amazon_vendor_sscc_extension"} & set(vals):
            # Created now rather than at the first validation, where two warehouses could race.
            for company in self.filtered("amazon_vendor_gs1_prefix"):
                company._amazon_vendor_sscc_sequence()
        return result

    def _amazon_vendor_next_ssccs(self, count=1):
        """New SSCC-18s of the company: extension digit, GS1 prefix, serial, mod-10 check digit.

        The serial comes from a PostgreSQL sequence (one per GS1 prefix, shared by the companies
        using it): concurrent validations never get the same number, and no number is reused.

        :return: list of ``count`` 18-digit strings
        :raise UserError: when the company has no GS1 prefix
        """
        self.ensure_one()
        prefix = self.amazon_vendor_gs1_prefix
        if not prefix:
            raise UserError(
                _(
                    "Set the GS1 company prefix of %(company)s (Settings > Amazon Vendor): every carton and "
                    "pallet shipped to Amazon needs an SSCC made from it.",
                    company=self.name,
                )
            )
        return next_ssccs(self._amazon_vendor_sscc_sequence(), self.amazon_vendor_sscc_extension or "0", prefix, count)

    def _amazon_vendor_sscc_sequence(self):
        code = f"{SSCC_SEQUENCE_CODE}.{self.amazon_vendor_sscc_extension or '0'}{self.amazon_vendor_gs1_prefix}"
        Sequence = self.env["ir.sequence"].sudo()
        sequence = Sequence.search([("code", "=", code)], limit=1)
        return sequence or Sequence.create(
            {
                "name": _("Amazon SSCC serials %(prefix)s", prefix=self.amazon_vendor_gs1_prefix),
                "code": code,
                "implementation": "standard",
                "number_next": 1,
                "padding": 0,
                "company_id": False,
            }
        )
