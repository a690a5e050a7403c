"""What a batch of Amazon purchase orders needs from the database, read once per batch.

Importing N orders must cost a fixed number of queries per order, whatever N: products,
vendor codes, partners, pricelists and existing orders are looked up for the whole batch
here, never per line.
"""

WEIGHT_UOM_XMLIDS = {
    "POUNDS": "uom.product_uom_lb",
    "OUNCES": "uom.product_uom_oz",
    "GRAMS": "uom.product_uom_gram",
    "KILOGRAMS": "uom.product_uom_kgm",
}
FALLBACK_PARTY_ID = "AMAZON"


class PurchaseOrderBatch:
    """Lookups shared by the orders of one import batch.

    :param account: the ``amazon.vendor.account`` importing
    :param pos: list of :class:`spapi.PurchaseOrder`
    """

    def __init__(self, account, pos):
        self.account = account
        self.env = account.env
        self.company = account.company_id
        self.pos = pos
        self.vendor_codes = {code.name: code for code in account.vendor_code_ids}
        self.existing = self._load_existing_orders()
        self._load_products()
        self._load_partners()
        self._pricelists = {}
        self._default_warehouse = None

    # ------------------------------------------------------------------ loading

    def _load_existing_orders(self):
        numbers = [po.number for po in self.pos]
        orders = (
            self.env["sale.order"]
            .with_context(active_test=False)
            .search(
                [
                    ("amazon_vendor_account_id", "=", self.account.id),
                    ("amazon_vendor_po_number", "in", numbers),
                ]
            )
        )
        return {order.amazon_vendor_po_number: order for order in orders}

    def _load_products(self):
        items = [item for po in self.pos for item in po.items]
        refs = {item.vendor_product_id for item in items if item.vendor_product_id}
        asins = {item.asin for item in items if item.asin}
        mappings = self.env["amazon.vendor.product"].search(
            [
                ("account_id", "=", self.account.id),
                "|",
                ("vendor_product_id", "in", list(refs)),
                ("asin", "in", list(asins)),
            ]
        )
        self.by_vendor_ref = {m.vendor_product_id: m for m in mappings if m.vendor_product_id}
        self.by_asin = {m.asin: m for m in mappings if m.asin}
        products = self.env["product.product"].search(
            [
                ("company_id", "in", [False, self.company.id]),
                "|",
                ("default_code", "in", list(refs)),
                ("barcode", "in", list(refs)),
            ]
        )
        self.by_code = {p.default_code: p for p in products if p.default_code}
        self.by_barcode = {p.barcode: p for p in products if p.barcode}

    def _load_partners(self):
        party_ids = {FALLBACK_PARTY_ID}
        for po in self.pos:
            party_ids.update(filter(None, [po.ship_to.get("partyId"), po.bill_to.get("partyId")]))
        partners = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search(
                [
                    ("amazon_vendor_party_id", "in", list(party_ids)),
                    ("company_id", "in", [False, self.company.id]),
                ]
            )
        )
        self.partners = {p.amazon_vendor_party_id: p for p in partners}

    def checkpoint(self):
        """What the batch knows now, to forget what a PO rolled back created (see :meth:`restore`)."""
        return dict(self.partners), dict(self._pricelists)

    def restore(self, checkpoint):
        self.partners, self._pricelists = dict(checkpoint[0]), dict(checkpoint[1])

    # ------------------------------------------------------------------ lookups

    def product_for(self, item):
        """:return: (product or empty recordset, case size from the mapping table or 0)"""
        mapping = self.by_vendor_ref.get(item.vendor_product_id) or self.by_asin.get(item.asin)
        if mapping:
            return mapping.product_id, mapping.case_size
        ref = item.vendor_product_id
        return self.by_code.get(ref) or self.by_barcode.get(ref) or self.env["product.product"], 0

    def partner_for_party(self, party, default_name):
        """The partner of an Amazon party (FC or bill-to), created once per partyId."""
        party_id = party.get("partyId") or FALLBACK_PARTY_ID
        if party_id not in self.partners:
            vals = self._prepare_party_partner_vals(party_id, party.get("address") or {}, default_name)
            self.partners[party_id] = self.env["res.partner"].create(vals)
        return self.partners[party_id]

    def _prepare_party_partner_vals(self, party_id, address, default_name):
        country = self.env["res.country"].search([("code", "=", (address.get("countryCode") or "").upper())], limit=1)
        state = country and self.env["res.country.state"].search(
            [("country_id", "=", country.id), ("code", "=", address.get("stateOrRegion") or "")],
            limit=1,
        )
        return {
            "name": address.get("name") or default_name,
            "is_company": True,
            "amazon_vendor_party_id": party_id,
            "company_id": self.company.id,
            "street": address.get("addressLine1"),
            "street2": " ".join(filter(None, [address.get("addressLine2"), address.get("addressLine3")])) or False,
            "city": address.get("city"),
            "zip": address.get("postalCode"),
            "country_id": country.id or False,
            "state_id": state.id if state else False,
        }

    def pricelist_for(self, currency_code):
        """A pricelist in the PO's currency: Amazon's net cost is the price, in its currency."""
        if currency_code not in self._pricelists:
            self._pricelists[currency_code] = self._find_or_create_pricelist(currency_code)
        return self._pricelists[currency_code]

    def _find_or_create_pricelist(self, currency_code):
        Pricelist = self.env["product.pricelist"]
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search(
                [("name", "=", currency_code or self.company.currency_id.name)],
                limit=1,
            )
        )
        if not currency or not currency.active:
            # Activating a currency is the accountant's decision, for every company: say so instead.
            return Pricelist
        pricelist = Pricelist.search(
            [
                ("currency_id", "=", currency.id),
                ("company_id", "in", [False, self.company.id]),
            ],
            order="company_id, id",
            limit=1,
        )
        return pricelist or Pricelist.create(
            {
                "name": self.env._("Amazon Vendor (%(currency)s)", currency=currency.name),
                "currency_id": currency.id,
                "company_id": self.company.id,
            }
        )

    def warehouse_for(self, vendor_code):
        code = self.vendor_codes.get(vendor_code)
        if code and code.warehouse_id:
            return code.warehouse_id
        if self._default_warehouse is None:
            self._default_warehouse = self.env["stock.warehouse"].search(
                [("company_id", "=", self.company.id)], limit=1
            )
        return self._default_warehouse

    def weight_uom(self, cost_unit):
        xmlid = WEIGHT_UOM_XMLIDS.get(cost_unit)
        return self.env.ref(xmlid) if xmlid else self.env["uom.uom"]
