import hashlib
import re
import secrets
from datetime import timedelta

import jwt

from odoo import _, api, fields, models, release
from odoo.exceptions import UserError

from .. import spapi
from .concurrency import MANAGER_GROUP, USER_GROUP, check_group
from .notification import notification
from .spapi_bridge import AccountTokenStore, AuditHook

# Fields whose change invalidates the stored LWA access token.
CREDENTIAL_FIELDS = ("lwa_client_id", "lwa_client_secret", "lwa_refresh_token", "environment", "region", "endpoint_url")
DEFAULT_SIMULATOR_URL = "http://127.0.0.1:8073"
OAUTH_STATE_LIFETIME = timedelta(minutes=10)
# Amazon's selling partner ids are short upper-case alphanumerics (A2EUQ1WTGCTBG2).
SELLING_PARTNER_ID_RE = re.compile(r"^[A-Z0-9]{6,32}$")
# One number for connect and read: Odoo's HTTP test harness only understands scalar timeouts.
SPAPI_TIMEOUT = 30
TIMEOUT_PARAM = "acorn_amazon_vendor.spapi_timeout"


class AmazonVendorAccount(models.Model):
    _name = "amazon.vendor.account"
    _description = "Amazon Vendor Central Account"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
        help="Gets an activity when an Amazon document of this account needs attention.",
    )
    region = fields.Selection(
        [("na", "North America"), ("eu", "Europe"), ("fe", "Far East")],
        required=True,
        default="na",
        tracking=True,
        help="The SP-API region of the Vendor Central account: North America (US, CA, MX, BR), "
        "Europe (UK, DE, FR, IT, ES, NL, SE, PL, TR, ...) or Far East (JP, AU, SG).",
    )
    environment = fields.Selection(
        [("production", "Production"), ("sandbox", "Amazon Sandbox"), ("simulator", "ACORN Simulator")],
        required=True,
        default="production",
        tracking=True,
        help="Production talks to Amazon. Amazon Sandbox answers Amazon's static test cases. "
        "ACORN Simulator talks to the SP-API simulator bundled with ACORN (demo and tests).",
    )
    endpoint_url = fields.Char(
        string="Endpoint URL",
        help="Base URL of the SP-API. Leave empty to use Amazon's host of the region. "
        "For the simulator it is also the base of the LWA token URL.",
    )
    application_id = fields.Char(
        string="SP-API Application ID",
        help="The app's ID in Developer Central (amzn1.sp.solution...), needed for the website authorization flow.",
    )
    selling_partner_id = fields.Char(readonly=True, copy=False, help="Set by Amazon when the app is authorized.")
    lwa_client_id = fields.Char(
        string="LWA Client ID",
        groups="base.group_system",
        copy=False,
        help="Login with Amazon client identifier of the SP-API app.",
    )
    lwa_client_secret = fields.Char(
        string="LWA Client Secret",
        groups="base.group_system",
        copy=False,
        help="Login with Amazon client secret of the SP-API app.",
    )
    lwa_refresh_token = fields.Char(
        string="Refresh Token",
        groups="base.group_system",
        copy=False,
        help="Long-lived token Amazon issues when the Vendor Central account authorizes the app.",
    )
    oauth_nonce_hash = fields.Char(groups="base.group_system", copy=False, readonly=True)
    vendor_code_ids = fields.One2many("amazon.vendor.code", "account_id", string="Vendor Codes", copy=False)
    connection_state = fields.Selection(
        [("not_tested", "Not Tested"), ("connected", "Connected"), ("failed", "Failed")],
        default="not_tested",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    connection_message = fields.Text(readonly=True, copy=False)
    connection_checked_at = fields.Datetime(string="Last Checked", readonly=True, copy=False)
    audit_log_count = fields.Integer(compute="_compute_audit_log_count")

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "An Amazon vendor account with this name already exists in this company.",
        ),
    ]

    @api.depends_context("uid")
    def _compute_audit_log_count(self):
        groups = self.env["amazon.vendor.audit.log"]._read_group(
            [("account_id", "in", self.ids)],
            ["account_id"],
            ["__count"],
        )
        counts = {account.id: count for account, count in groups}
        for account in self:
            account.audit_log_count = counts.get(account.id, 0)

    @api.onchange("environment")
    def _onchange_environment(self):
        if self.environment == "simulator" and not self.endpoint_url:
            self.endpoint_url = DEFAULT_SIMULATOR_URL

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        if "name" not in (default or {}):
            for account, vals in zip(self, vals_list):
                vals["name"] = _("%(name)s (copy)", name=account.name)
        return vals_list

    def write(self, vals):
        if any(field in vals for field in CREDENTIAL_FIELDS):
            if "connection_state" not in vals:
                vals = dict(vals, connection_state="not_tested")
            # The token belongs to the old credentials or host; administrators may change those
            # without any right on the token itself.
            self.env["amazon.vendor.access.token"].sudo().search([("account_id", "in", self.ids)]).unlink()
        return super().write(vals)

    # ------------------------------------------------------------------
    # Client
    # ------------------------------------------------------------------

    def _amazon_vendor_api_endpoint(self):
        """Base URL of the SP-API for this account, or None for Amazon's regional host."""
        self.ensure_one()
        if self.environment == "simulator":
            return (self.endpoint_url or DEFAULT_SIMULATOR_URL).rstrip("/")
        return self.endpoint_url.rstrip("/") if self.endpoint_url else None

    def _amazon_vendor_lwa_url(self):
        """Login with Amazon token URL: the simulator serves its own, Amazon one for all regions."""
        self.ensure_one()
        if self.environment == "simulator":
            return self._amazon_vendor_api_endpoint() + "/auth/o2/token"
        return spapi.LWA_TOKEN_URL

    def _amazon_vendor_client_options(self):
        """Keyword arguments of :class:`spapi.SpApiClient` beyond credentials and hosts (hook for tuning).

        The timeout (seconds) can be tuned with the system parameter ``acorn_amazon_vendor.spapi_timeout``.
        """
        timeout = self.env["ir.config_parameter"].sudo().get_param(TIMEOUT_PARAM)
        return {"timeout": float(timeout) if timeout else SPAPI_TIMEOUT}

    def _get_spapi_client(self, record=None):
        """The one place that reads credentials and builds an SP-API client.

        :param record: the Odoo record the calls concern, linked from each audit record
        :return: a :class:`spapi.SpApiClient` whose exchanges are written to the audit log
        :raise UserError: when the credentials are incomplete
        """
        self.ensure_one()
        account = self.sudo()
        if not (account.lwa_client_id and account.lwa_client_secret and account.lwa_refresh_token):
            raise UserError(
                _(
                    "The Amazon vendor account %(name)s has no complete LWA credentials: "
                    "enter the client ID, client secret and refresh token, or authorize the app.",
                    name=self.display_name,
                )
            )
        return spapi.SpApiClient(
            account.lwa_client_id,
            account.lwa_client_secret,
            account.lwa_refresh_token,
            region=account.region,
            sandbox=account.environment == "sandbox",
            endpoint=account._amazon_vendor_api_endpoint(),
            lwa_url=account._amazon_vendor_lwa_url(),
            token_store=AccountTokenStore(account),
            exchange_hook=AuditHook(account, record),
            user_agent=f"ACORN-Odoo/{release.major_version} (Language=Python)",
            **account._amazon_vendor_client_options(),
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_test_connection(self):
        """Exchange the refresh token and make one cheap call; say in plain words what happened."""
        check_group(self.env, MANAGER_GROUP)
        self.ensure_one()
        ok, message = self._amazon_vendor_check_connection()
        self.write(
            {
                "connection_state": "connected" if ok else "failed",
                "connection_message": message,
                "connection_checked_at": fields.Datetime.now(),
            }
        )
        if ok:
            return notification(_("Connection to Amazon works"), message)
        return notification(_("Connection to Amazon failed"), message, "danger")

    def _amazon_vendor_check_connection(self):
        """:return: (ok, message) for the token exchange and one getPurchaseOrders call."""
        try:
            client = self._get_spapi_client(record=self)
            client.get_access_token(force_refresh=True)
        except UserError as error:
            return False, str(error)
        except spapi.SpApiError as error:
            return False, self._amazon_vendor_explain_error(error, step="token")
        try:
            since = fields.Datetime.now() - timedelta(days=1)
            client.get_purchase_orders(limit=1, created_after=since)
        except spapi.SpApiError as error:
            return False, self._amazon_vendor_explain_error(error, step="call")
        return True, _(
            "Amazon accepted the credentials and answered a purchase order query (%(env)s, %(region)s).",
            env=dict(self._fields["environment"].selection)[self.environment],
            region=dict(self._fields["region"].selection)[self.region],
        )

    def _amazon_vendor_explain_error(self, error, step="call"):
        """Turn a client error into a sentence a Vendor Central user can act on."""
        code = getattr(error, "code", None)
        if isinstance(error, spapi.AuthError) and code == "invalid_client":
            return _(
                "Amazon rejected the LWA client ID or client secret. Copy both again from the app's "
                "LWA credentials in Developer Central. (%(detail)s)",
                detail=error,
            )
        if isinstance(error, spapi.AuthError) and code == "invalid_grant":
            return _(
                "Amazon rejected the refresh token: it was revoked, has expired or belongs to another app. "
                "Authorize the app again or paste a new refresh token. (%(detail)s)",
                detail=error,
            )
        if isinstance(error, spapi.AuthError) and step == "call":
            return _(
                "The credentials work, but Amazon refused the call. The app probably lacks the "
                "Retail Procurement role for this Vendor Central account, or the region does not "
                "match the account (North America, Europe, Far East). (%(detail)s)",
                detail=error,
            )
        if isinstance(error, spapi.ThrottledError):
            return _("Amazon is throttling this app right now; try again in a minute. (%(detail)s)", detail=error)
        if isinstance(error, spapi.TransientError):
            return _(
                "Amazon could not be reached or answered with a server error; check the endpoint and "
                "the network, then try again. (%(detail)s)",
                detail=error,
            )
        return _("Amazon refused the request: %(detail)s", detail=error)

    def action_authorize(self):
        """Open Amazon's consent page (website authorization flow for public apps).

        Reserved to system administrators: the answer replaces the account's refresh token.
        """
        check_group(self.env, "base.group_system")
        self.ensure_one()
        if not self.application_id:
            raise UserError(_("Enter the SP-API application ID of the app before authorizing it."))
        state = self.env["amazon.vendor.account"]._amazon_vendor_oauth_state(self)
        base_url = self._amazon_vendor_api_endpoint() if self.environment == "simulator" else None
        url = spapi.consent_url(
            self.application_id,
            state,
            region=self.region,
            sandbox=self.environment != "production",
            redirect_uri=self._amazon_vendor_oauth_redirect_uri(),
            base_url=base_url,
        )
        return {"type": "ir.actions.act_url", "url": url, "target": "self"}

    def _amazon_vendor_oauth_redirect_uri(self):
        return self.get_base_url() + "/acorn_amazon_vendor/oauth/callback"

    def action_view_audit_logs(self):
        check_group(self.env, USER_GROUP)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("acorn_amazon_vendor.amazon_vendor_audit_log_action")
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Website authorization flow
    # ------------------------------------------------------------------

    @api.model
    def _amazon_vendor_oauth_secret(self):
        # Scoped so that a state token can never be replayed as another signed Odoo value.
        return self.env["ir.config_parameter"].sudo().get_param("database.secret") + ":acorn_amazon_vendor_oauth"

    @api.model
    def _amazon_vendor_oauth_state(self, account):
        """A short-lived, single-use signed token naming the account and the user who started the flow."""
        now = fields.Datetime.now()
        nonce = secrets.token_urlsafe(16)
        account.sudo().oauth_nonce_hash = hashlib.sha256(nonce.encode()).hexdigest()
        payload = {
            "account_id": account.id,
            "uid": self.env.uid,
            "nonce": nonce,
            "iat": now,
            "exp": now + OAUTH_STATE_LIFETIME,
        }
        return jwt.encode(payload, self._amazon_vendor_oauth_secret(), algorithm="HS256")

    @api.model
    def _amazon_vendor_oauth_account(self, state):
        """:return: the account named by a valid ``state`` of the current user, used up
        :raise UserError: when the state is forged, expired, used already or another user's"""
        check_group(self.env, "base.group_system")
        try:
            payload = jwt.decode(state or "", self._amazon_vendor_oauth_secret(), algorithms=["HS256"])
        except jwt.ExpiredSignatureError:
            raise UserError(_("The authorization took longer than 10 minutes. Press Authorize again."))
        except jwt.PyJWTError:
            raise UserError(_("The authorization answer does not come from this Odoo. Press Authorize again."))
        if payload.get("uid") != self.env.uid:
            raise UserError(_("This authorization was started by another user. Press Authorize again."))
        account = self.browse(payload.get("account_id")).exists()
        if not account:
            raise UserError(_("The Amazon vendor account of this authorization no longer exists."))
        account.check_access("write")
        expected = account.sudo().oauth_nonce_hash
        if not expected or hashlib.sha256(str(payload.get("nonce")).encode()).hexdigest() != expected:
            raise UserError(_("This authorization answer was used already. Press Authorize again."))
        account.sudo().oauth_nonce_hash = False
        return account

    def _amazon_vendor_check_selling_partner(self, selling_partner_id):
        """Amazon's selling partner must be well-formed and the one this account is connected to.

        :raise UserError: otherwise, so that another vendor's token never replaces this one
        """
        self.ensure_one()
        if not SELLING_PARTNER_ID_RE.match(selling_partner_id or ""):
            raise UserError(
                _(
                    "Amazon sent no valid selling partner id (%(value)s); the app was not authorized.",
                    value=selling_partner_id or "-",
                )
            )
        if self.selling_partner_id and self.selling_partner_id != selling_partner_id:
            raise UserError(
                _(
                    "This account is connected to the Vendor Central account %(connected)s, but Amazon authorized "
                    "%(returned)s. Log in to Vendor Central with the right account and press Authorize again, or "
                    "create another ACORN account for %(returned)s.",
                    connected=self.selling_partner_id,
                    returned=selling_partner_id,
                )
            )

    def _amazon_vendor_complete_authorization(self, code, selling_partner_id=None):
        """Exchange Amazon's ``spapi_oauth_code`` for the refresh token and keep it."""
        self.ensure_one()
        check_group(self.env, "base.group_system")
        self._amazon_vendor_check_selling_partner(selling_partner_id)
        account = self.sudo()
        try:
            tokens = spapi.exchange_authorization_code(
                code,
                account.lwa_client_id,
                account.lwa_client_secret,
                redirect_uri=self._amazon_vendor_oauth_redirect_uri(),
                lwa_url=self._amazon_vendor_lwa_url(),
                timeout=SPAPI_TIMEOUT,
            )
        except spapi.SpApiError as error:
            raise UserError(self._amazon_vendor_explain_error(error, step="token"))
        account.write({"lwa_refresh_token": tokens["refresh_token"], "selling_partner_id": selling_partner_id})
        self.message_post(body=_("The app was authorized on Amazon; a new refresh token is stored."))
