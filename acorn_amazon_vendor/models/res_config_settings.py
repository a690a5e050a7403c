from odoo import fields, models

from .amazon_vendor_audit_log import DEFAULT_RETENTION_DAYS, RETENTION_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    amazon_vendor_audit_log_retention_days = fields.Integer(
        string="Amazon Exchange Log Retention (days)",
        config_parameter=RETENTION_PARAM,
        default=DEFAULT_RETENTION_DAYS,
        help="Exchanges with Amazon older than this are deleted every night. 0 keeps them forever.",
    )
    amazon_vendor_gs1_prefix = fields.Char(related="company_id.amazon_vendor_gs1_prefix", readonly=False)
    amazon_vendor_sscc_extension = fields.Char(related="company_id.amazon_vendor_sscc_extension", readonly=False)
