"""SpApiClient: one method per SP-API operation ACORN uses, named after its operationId."""

import logging
from urllib.parse import quote

from . import parsing
from .base import _BaseClient
from .params import build_params, windowed
from .reports import _ReportsMixin
from .validation import check_body, jsonable

_logger = logging.getLogger(__name__)

ORDERS = "/vendor/orders/v1"
SHIPPING = "/vendor/shipping/v1"


class SpApiClient(_ReportsMixin, _BaseClient):
    """Client of Amazon's Selling Partner API for a Vendor Central (1P) account.

    Plain Python: no Odoo import. See the package README for the constructor arguments.
    """

    # ---- shared helpers --------------------------------------------------------------------
    def _get_payload(self, operation, path, params=None):
        return parsing.payload_of(self._request(operation, "GET", path, params=params))

    def _submit(self, operation, path, key, records):
        """Check and POST ``{key: records}``; return Amazon's transactionId."""
        body = jsonable({key: list(records)})
        check_body(operation, body)
        payload = parsing.payload_of(self._request(operation, "POST", path, json=body, idempotent=False))
        transaction_id = payload.get("transactionId")
        _logger.info("SP-API %s: %s record(s) submitted, transaction %s", operation, len(body[key]), transaction_id)
        return transaction_id

    def _pages(self, operation, path, params, token_key="nextToken"):
        """Yield the payload of every page, re-sending the same filters with the token."""
        params = dict(params)
        while True:
            payload = self._get_payload(operation, path, params)
            yield payload
            token = parsing.next_token(payload, token_key)
            if not token:
                return
            params[token_key] = token

    def _iterate(self, operation, path, filters):
        """Yield the records of all pages of all ≤7-day windows of ``filters``."""
        count, seen = 0, set()
        windows = windowed(operation, build_params(operation, filters))
        for window in windows:
            for payload in self._pages(operation, path, window):
                for item in parsing.page_items(operation, payload):
                    # Amazon's window bounds are inclusive: a record stamped exactly on a
                    # boundary comes back in both windows.
                    identity = parsing.identity(item)
                    if len(windows) > 1 and identity in seen:
                        continue
                    seen.add(identity)
                    count += 1
                    yield item
        _logger.info("SP-API %s: %s record(s) read", operation, count)

    # ---- Vendor Orders -----------------------------------------------------------------------
    def get_purchase_orders(self, **filters):
        """One page of purchase orders (getPurchaseOrders).

        :param filters: limit, created_after, created_before, sort_order, next_token,
            include_details, changed_after, changed_before, po_item_state, is_po_changed,
            purchase_order_state, ordering_vendor_code (datetimes or ISO strings for dates)
        :return: the payload: {"orders": [...], "pagination": {"nextToken": ...}}
        :raise SpApiError: on failure (RequestError for a window over 7 days)
        """
        params = build_params("getPurchaseOrders", filters)
        return self._get_payload("getPurchaseOrders", f"{ORDERS}/purchaseOrders", params)

    def iter_purchase_orders(self, **filters):
        """Every purchase order matching ``filters``, across pages and 7-day windows.

        :param filters: as :meth:`get_purchase_orders` (without next_token)
        :return: generator of Order dicts
        :raise SpApiError: on failure
        """
        return self._iterate("getPurchaseOrders", f"{ORDERS}/purchaseOrders", filters)

    def get_purchase_order(self, purchase_order_number):
        """One purchase order (getPurchaseOrder).

        :param purchase_order_number: Amazon's PO number
        :return: the Order dict
        :raise RequestError: unknown PO (404)
        """
        path = f"{ORDERS}/purchaseOrders/{quote(str(purchase_order_number), safe='')}"
        return self._get_payload("getPurchaseOrder", path)

    def submit_acknowledgement(self, acknowledgements):
        """Acknowledge purchase orders (submitAcknowledgement).

        :param acknowledgements: list of OrderAcknowledgement dicts (datetimes allowed)
        :return: Amazon's transactionId, to poll with :meth:`get_transaction`
        :raise InvalidBodyError: the body breaks the model's rules (nothing sent)
        :raise SpApiError: on failure
        """
        return self._submit("submitAcknowledgement", f"{ORDERS}/acknowledgements", "acknowledgements", acknowledgements)

    def get_purchase_orders_status(self, **filters):
        """One page of purchase order statuses (getPurchaseOrdersStatus).

        :param filters: limit, sort_order, next_token, created_after, created_before,
            updated_after, updated_before, purchase_order_number, purchase_order_status,
            item_confirmation_status, item_receive_status, ordering_vendor_code,
            ship_to_party_id
        :return: the payload: {"ordersStatus": [...], "pagination": {...}}
        :raise SpApiError: on failure
        """
        params = build_params("getPurchaseOrdersStatus", filters)
        return self._get_payload("getPurchaseOrdersStatus", f"{ORDERS}/purchaseOrdersStatus", params)

    def iter_purchase_orders_status(self, **filters):
        """Every OrderStatus matching ``filters``, across pages and 7-day windows.

        :param filters: as :meth:`get_purchase_orders_status`
        :return: generator of OrderStatus dicts
        :raise SpApiError: on failure
        """
        return self._iterate("getPurchaseOrdersStatus", f"{ORDERS}/purchaseOrdersStatus", filters)

    # ---- Vendor Shipments --------------------------------------------------------------------
    def submit_shipment_confirmations(self, confirmations):
        """Send advance shipment notices (SubmitShipmentConfirmations).

        :param confirmations: list of ShipmentConfirmation dicts
        :return: Amazon's transactionId
        :raise InvalidBodyError: the body breaks the model's rules (nothing sent)
        :raise SpApiError: on failure
        """
        return self._submit(
            "SubmitShipmentConfirmations", f"{SHIPPING}/shipmentConfirmations", "shipmentConfirmations", confirmations
        )

    def submit_shipments(self, shipments):
        """Send shipment requests, e.g. for collect freight (SubmitShipments).

        :param shipments: list of Shipment dicts
        :return: Amazon's transactionId
        :raise InvalidBodyError: the body breaks the model's rules (nothing sent)
        :raise SpApiError: on failure
        """
        return self._submit("SubmitShipments", f"{SHIPPING}/shipments", "shipments", shipments)

    def get_shipment_details(self, **filters):
        """One page of shipment details (GetShipmentDetails).

        :param filters: snake_case of the model's query parameters (created_after, ...,
            vendor_shipment_identifier, seller_warehouse_code)
        :return: the payload: {"shipments": [...], "pagination": {...}}
        :raise SpApiError: on failure
        """
        params = build_params("GetShipmentDetails", filters)
        return self._get_payload("GetShipmentDetails", f"{SHIPPING}/shipments", params)

    def iter_shipment_details(self, **filters):
        """Every shipment matching ``filters``, across pages and 7-day windows.

        :return: generator of Shipment dicts
        :raise SpApiError: on failure
        """
        return self._iterate("GetShipmentDetails", f"{SHIPPING}/shipments", filters)

    def get_shipment_labels(self, **filters):
        """One page of transport labels (GetShipmentLabels).

        :param filters: limit, sort_order, next_token, label_created_after,
            label_created_before, buyer_reference_number, vendor_shipment_identifier,
            seller_warehouse_code
        :return: the payload: {"transportLabels": [...], "pagination": {...}}
        :raise SpApiError: on failure
        """
        params = build_params("GetShipmentLabels", filters)
        return self._get_payload("GetShipmentLabels", f"{SHIPPING}/transportLabels", params)

    def iter_shipment_labels(self, **filters):
        """Every transport label matching ``filters``, across pages.

        :return: generator of TransportLabel dicts
        :raise SpApiError: on failure
        """
        return self._iterate("GetShipmentLabels", f"{SHIPPING}/transportLabels", filters)

    # ---- Vendor Invoices and transactions -----------------------------------------------------
    def submit_invoices(self, invoices):
        """Send invoices or credit notes (submitInvoices).

        :param invoices: list of Invoice dicts
        :return: Amazon's transactionId
        :raise InvalidBodyError: the body breaks the model's rules (nothing sent)
        :raise SpApiError: on failure
        """
        return self._submit("submitInvoices", "/vendor/payments/v1/invoices", "invoices", invoices)

    def get_transaction(self, transaction_id):
        """Status of an asynchronous submission (getTransaction).

        :param transaction_id: as returned by a submit method
        :return: {"transactionId", "status" ("Success"|"Failure"|"Processing", canonical
            spelling), "errors": [...]}
        :raise SpApiError: on failure
        """
        path = f"/vendor/transactions/v1/transactions/{quote(str(transaction_id), safe='')}"
        return parsing.transaction_status(self._get_payload("getTransaction", path))
