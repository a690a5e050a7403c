import logging
from datetime import timedelta

from odoo import api, fields, models

from .concurrency import commit

_logger = logging.getLogger(__name__)

RETENTION_PARAM = "acorn_amazon_vendor.audit_log_retention_days"
DEFAULT_RETENTION_DAYS = 90
PURGE_BATCH = 5000


class AmazonVendorAuditLog(models.Model):
    """One HTTP exchange with Amazon, secrets and personal data redacted by the client."""

    _name = "amazon.vendor.audit.log"
    _description = "Amazon Vendor Exchange"
    _order = "exchanged_at desc, id desc"
    _rec_name = "operation"

    account_id = fields.Many2one("amazon.vendor.account", required=True, index=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    exchanged_at = fields.Datetime(string="Date", required=True, index=True, readonly=True, default=fields.Datetime.now)
    operation = fields.Char(index=True, readonly=True, help="Amazon's operationId, or lwaToken for the token exchange.")
    method = fields.Char(readonly=True)
    url = fields.Char(string="URL", readonly=True)
    status_code = fields.Integer(string="HTTP Status", readonly=True, help="0 when no answer came back.")
    is_error = fields.Boolean(compute="_compute_is_error", store=True, index=True)
    duration_ms = fields.Integer(string="Duration (ms)", readonly=True)
    request_id = fields.Char(string="Amazon Request ID", index="btree_not_null", readonly=True)
    attempt = fields.Integer(readonly=True, default=1)
    error = fields.Text(readonly=True)
    request_headers = fields.Text(readonly=True)
    request_body = fields.Text(readonly=True)
    response_headers = fields.Text(readonly=True)
    response_body = fields.Text(readonly=True)
    res_model = fields.Char(string="Related Model", index=True, readonly=True)
    res_id = fields.Many2oneReference(string="Related Record ID", model_field="res_model", index=True, readonly=True)
    res_reference = fields.Reference(
        selection="_selection_res_reference",
        string="Related Record",
        compute="_compute_res_reference",
    )

    @api.depends("status_code", "error")
    def _compute_is_error(self):
        for log in self:
            log.is_error = bool(log.error) or not 200 <= log.status_code < 300

    @api.model
    def _selection_res_reference(self):
        return [(model.model, model.name) for model in self.env["ir.model"].sudo().search([])]

    @api.depends("res_model", "res_id")
    def _compute_res_reference(self):
        for log in self:
            valid = log.res_model in self.env and log.res_id
            log.res_reference = f"{log.res_model},{log.res_id}" if valid else False

    @api.depends("method", "operation", "status_code")
    def _compute_display_name(self):
        for log in self:
            log.display_name = f"{log.method or ''} {log.operation or ''} {log.status_code or '-'}".strip()

    @api.model
    def _cron_purge_audit_logs(self):
        """Delete exchanges older than the retention setting, in batches."""
        days = int(self.env["ir.config_parameter"].sudo().get_param(RETENTION_PARAM, DEFAULT_RETENTION_DAYS) or 0)
        if days <= 0:
            return
        domain = [("exchanged_at", "<", fields.Datetime.now() - timedelta(days=days))]
        remaining = self.search_count(domain)
        done = 0
        while remaining > done:
            batch = self.search(domain, limit=PURGE_BATCH)
            if not batch:
                break
            batch.unlink()
            done += len(batch)
            self.env["ir.cron"]._notify_progress(done=done, remaining=max(remaining - done, 0))
            # Commit per batch so a purge of millions of rows frees space as it goes and a
            # timeout does not roll back what was already deleted.
            commit(self.env, "a batch of the exchange log purge is final")
        _logger.info("Purged %s Amazon vendor exchanges older than %s days", done, days)
