from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request


class AmazonVendorOAuthController(http.Controller):
    """Amazon's website authorization flow lands here with ``spapi_oauth_code``."""

    @http.route("/acorn_amazon_vendor/oauth/callback", type="http", auth="user", methods=["GET"])
    def oauth_callback(self, state=None, spapi_oauth_code=None, selling_partner_id=None, **kwargs):
        Account = request.env["amazon.vendor.account"]
        try:
            account = Account._amazon_vendor_oauth_account(state)
            if not spapi_oauth_code:
                raise UserError(Account.env._("Amazon did not send an authorization code; the app was not authorized."))
            account._amazon_vendor_complete_authorization(spapi_oauth_code, selling_partner_id)
            account.action_test_connection()
        except (UserError, AccessError) as error:
            return request.render("acorn_amazon_vendor.oauth_error", {"message": str(error)})
        return request.redirect(f"/odoo/amazon-vendor-accounts/{account.id}")
