from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import SIM_CLIENT_SECRET, SIM_REFRESH_TOKEN, AmazonVendorCommon

TEXT_FIELDS = ["url", "error", "request_headers", "request_body", "response_headers", "response_body"]


def _po_with_address(number):
    address = {
        "name": "Jane Receiver",
        "addressLine1": "12 Private Lane",
        "city": "Allentown",
        "stateOrRegion": "PA",
        "postalCode": "18101",
        "countryCode": "US",
        "phone": "+1 555 0100",
    }
    return {
        "purchaseOrderNumber": number,
        "purchaseOrderState": "New",
        "orderDetails": {
            "purchaseOrderDate": fields.Datetime.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "purchaseOrderType": "RegularOrder",
            "sellingParty": {"partyId": "ACME1"},
            "shipToParty": {"partyId": "ABE8", "address": address},
            "items": [
                {
                    "itemSequenceNumber": "1",
                    "vendorProductIdentifier": "4006381333931",
                    "orderedQuantity": {"amount": 2, "unitOfMeasure": "Eaches", "unitSize": 1},
                    "isBackOrderAllowed": False,
                    "netCost": {"amount": "10.00", "currencyCode": "USD"},
                }
            ],
        },
    }


@tagged("post_install", "-at_install")
class TestAuditLog(AmazonVendorCommon):
    def test_every_exchange_is_recorded_without_secrets(self):
        self.sim_post("/_simulator/purchase-orders", [_po_with_address("2AUDIT01")])
        self.account.action_test_connection()
        self.account._get_spapi_client().get_purchase_order("2AUDIT01")
        access_token = (
            self.env["amazon.vendor.access.token"].sudo().search([("account_id", "=", self.account.id)]).value
        )
        self.account.lwa_client_secret = "wrong-secret-that-must-not-leak"
        self.account.action_test_connection()

        logs = self.audit_logs()
        self.assertEqual(
            logs.mapped("operation"),
            ["lwaToken", "getPurchaseOrders", "getPurchaseOrder", "lwaToken"],
        )
        secrets = [SIM_CLIENT_SECRET, SIM_REFRESH_TOKEN, access_token, "wrong-secret-that-must-not-leak"]
        for log in logs:
            for field in TEXT_FIELDS:
                for secret in secrets:
                    self.assertNotIn(secret, log[field] or "", f"{secret!r} leaked into {field} of {log.display_name}")

    def test_personal_data_is_redacted(self):
        self.sim_post("/_simulator/purchase-orders", [_po_with_address("2AUDIT02")])

        self.account._get_spapi_client().get_purchase_order("2AUDIT02")

        body = self.audit_logs(operation="getPurchaseOrder").response_body
        self.assertIn("2AUDIT02", body)
        self.assertIn("Allentown", body, "the FC's city is business data and stays")
        for personal in ("Jane Receiver", "12 Private Lane", "+1 555 0100"):
            self.assertNotIn(personal, body)

    def test_purge_cron_keeps_recent_exchanges(self):
        Log = self.env["amazon.vendor.audit.log"]
        old, recent = Log.create(
            [
                {
                    "account_id": self.account.id,
                    "operation": "getPurchaseOrders",
                    "exchanged_at": fields.Datetime.now() - timedelta(days=91),
                },
                {
                    "account_id": self.account.id,
                    "operation": "getPurchaseOrders",
                    "exchanged_at": fields.Datetime.now() - timedelta(days=89),
                },
            ]
        )
        self.env["ir.config_parameter"].set_param("acorn_amazon_vendor.audit_log_retention_days", 90)

        self.env.ref("acorn_amazon_vendor.ir_cron_purge_audit_logs").method_direct_trigger()

        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())
