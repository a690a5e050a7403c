from odoo import fields, models


class AmazonVendorAccessToken(models.Model):
    """The Login with Amazon access token of an account, shared by every Odoo worker.

    Kept apart from the account: a refresh is written through a cursor of its own and
    committed at once, so it never conflicts with a business transaction writing the account,
    and an administrator editing the account never touches a secret. Only the superuser
    reads it (see :class:`~.spapi_bridge.AccountTokenStore`).
    """

    _name = "amazon.vendor.access.token"
    _description = "Amazon LWA Access Token"
    _log_access = False

    account_id = fields.Many2one("amazon.vendor.account", required=True, index=True, ondelete="cascade")
    token_key = fields.Char(
        required=True, help="The app and refresh token the token belongs to (a hash, never a secret)."
    )
    value = fields.Char(groups="base.group_system")
    expires_at = fields.Datetime(groups="base.group_system")

    _sql_constraints = [
        ("account_uniq", "unique(account_id)", "An Amazon vendor account has one access token."),
    ]
