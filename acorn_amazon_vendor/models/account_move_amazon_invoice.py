"""The submitInvoices body of an Odoo invoice or credit note, and Amazon's rules checked before it goes."""

from collections import defaultdict
from datetime import datetime, time

from odoo import _, fields, models
from odoo.tools import float_compare, float_is_zero, float_round

from ..spapi.timeutil import to_amz

# Amazon's tax type for the taxes of a company in these countries; VAT elsewhere.
TAX_TYPES = {
    "US": "ST",
    "CA": "GST",
    "AU": "GST",
    "NZ": "GST",
    "SG": "GST",
    "IN": "GST",
    "JP": "Consumption",
}
GST_COUNTRIES = ("CA", "AU", "NZ", "SG", "IN", "MY")
EUROPE = "eu"


class AccountMove(models.Model):
    _inherit = "account.move"

    # ------------------------------------------------------------------ what goes where

    def _amazon_vendor_lines(self):
        """Split the invoice lines the way Amazon reads them.

        :return: (items, charges, allowances, others): items as {line: sale line}, charges and
            allowances as lines of products mapped to Amazon's types, others the lines Amazon
            has no place for
        """
        items, charges, allowances, others = {}, self.env["account.move.line"], self.env["account.move.line"], []
        for line in self.invoice_line_ids.filtered(lambda line: line.display_type == "product"):
            kind = line.product_id.product_tmpl_id.amazon_vendor_adjustment_type
            sale_line = line.sale_line_ids.filtered("order_id.amazon_vendor_po_number")[:1]
            if kind in ALLOWANCE_TYPES:
                allowances |= line
            elif kind:
                charges |= line
            elif sale_line and sale_line.amazon_vendor_item_sequence and not sale_line.is_downpayment:
                items[line] = sale_line
            else:
                others.append(line)
        return items, charges, allowances, others

    def _amazon_vendor_orders(self):
        return self.invoice_line_ids.sale_line_ids.order_id.filtered("amazon_vendor_po_number")

    def _amazon_vendor_is_credit_note(self):
        return self.move_type == "out_refund"

    # ------------------------------------------------------------------ the body

    def _amazon_vendor_prepare_invoice_vals(self):
        """The ``Invoice`` of submitInvoices for this posted invoice or credit note."""
        self.ensure_one()
        currency = self.currency_id.name
        items, charges, allowances, _others = self._amazon_vendor_lines()
        orders = self._amazon_vendor_orders()
        invoice = {
            "invoiceType": "CreditNote" if self._amazon_vendor_is_credit_note() else "Invoice",
            "id": self.name,
            "date": self._amazon_vendor_invoice_datetime(orders),
            "remitToParty": self._amazon_vendor_remit_to(orders),
            "invoiceTotal": _money(self.amount_total, currency),
        }
        ship_from = self._amazon_vendor_ship_from(orders)
        if ship_from:
            invoice["shipFromParty"] = ship_from
        fcs = set(orders.mapped("amazon_vendor_fc_code")) - {False}
        if len(fcs) == 1:
            invoice["shipToParty"] = {"partyId": fcs.pop()}
        bill_to = self._amazon_vendor_bill_to(orders)
        if bill_to:
            invoice["billToParty"] = bill_to
        terms = self._amazon_vendor_payment_terms()
        if terms:
            invoice["paymentTerms"] = terms
        taxes = self._amazon_vendor_header_taxes()
        if taxes:
            invoice["taxDetails"] = taxes
        if charges:
            invoice["chargeDetails"] = [self._amazon_vendor_adjustment_vals(line, "charge") for line in charges]
        if allowances:
            invoice["allowanceDetails"] = [
                self._amazon_vendor_adjustment_vals(line, "allowance") for line in allowances
            ]
        invoice["items"] = [
            self._amazon_vendor_item_vals(sequence, line, sale_line)
            for sequence, (line, sale_line) in enumerate(items.items(), start=1)
        ]
        return invoice

    def _amazon_vendor_invoice_datetime(self, orders):
        """The invoice date as Amazon's date-time: the start of the day, but never before the PO
        was placed nor after now (Amazon refuses both)."""
        when = datetime.combine(self.invoice_date or fields.Date.today(), time.min)
        placed = max(orders.mapped("amazon_vendor_po_date") or [when])
        if placed.date() == when.date():
            when = max(when, placed)
        return to_amz(min(when, fields.Datetime.now()))

    def _amazon_vendor_remit_to(self, orders):
        """The vendor code paid, with the company's address and tax registration."""
        codes = sorted(set(orders.mapped("amazon_vendor_code")) - {False})
        party = {"partyId": codes[0] if codes else ""}
        address = _address(self.company_id.partner_id)
        if address:
            party["address"] = address
        registration = self._amazon_vendor_tax_registration(self.company_id.vat, self.company_id.country_id.code)
        if registration:
            party["taxRegistrationDetails"] = registration
        return party

    def _amazon_vendor_ship_from(self, orders):
        warehouse = orders.warehouse_id[:1]
        if not warehouse:
            return None
        party = {"partyId": warehouse.amazon_vendor_ship_from_id or warehouse.code}
        address = _address(warehouse.partner_id or self.company_id.partner_id)
        if address:
            party["address"] = address
        return party

    def _amazon_vendor_bill_to(self, orders):
        """Amazon's legal entity exactly as the PO names it, else the one configured."""
        for order in orders:
            party = ((order.amazon_vendor_raw_po or {}).get("orderDetails") or {}).get("billToParty")
            if party and party.get("partyId"):
                return _bill_to_from_po(party)
        partner = self.partner_id.commercial_partner_id
        if not partner.amazon_vendor_party_id:
            return None
        party = {"partyId": partner.amazon_vendor_party_id}
        address = _address(partner)
        if address:
            party["address"] = address
        registration = self._amazon_vendor_tax_registration(partner.vat, partner.country_id.code)
        if registration:
            party["taxRegistrationDetails"] = registration
        return party

    def _amazon_vendor_tax_registration(self, vat, country_code):
        if not vat:
            return None
        kind = "GST" if country_code in GST_COUNTRIES else "VAT"
        return [{"taxRegistrationType": kind, "taxRegistrationNumber": vat}]

    def _amazon_vendor_payment_terms(self):
        term = self.invoice_payment_term_id
        if not term:
            return None
        terms = {"type": "Basic", "netDueDays": max(term.line_ids.mapped("nb_days") or [0])}
        if term.early_discount:
            terms.update(discountPercent=_decimal(term.discount_percentage), discountDueDays=term.discount_days)
        return terms

    def _amazon_vendor_tax_type(self):
        return TAX_TYPES.get(self.company_id.account_fiscal_country_id.code or self.company_id.country_id.code, "VAT")

    def _amazon_vendor_line_taxes(self, line):
        """{tax: (rate, amount, taxable amount)} of one invoice line, as Odoo computes it alone."""
        if not line.tax_ids:
            return {}
        computed = line.tax_ids.compute_all(
            line.price_unit * (1 - (line.discount or 0.0) / 100.0),
            currency=line.currency_id,
            quantity=line.quantity,
            product=line.product_id,
            partner=self.partner_id,
            is_refund=self._amazon_vendor_is_credit_note(),
        )
        taxes = {}
        for tax_vals in computed["taxes"]:
            tax = self.env["account.tax"].browse(tax_vals["id"])
            # Amazon adds up the lines' taxes as printed: rounded per line.
            taxes[tax] = (tax.amount, self.currency_id.round(tax_vals["amount"]), tax_vals["base"])
        return taxes

    def _amazon_vendor_tax_details(self, taxes):
        currency, tax_type = self.currency_id.name, self._amazon_vendor_tax_type()
        return [
            {
                "taxType": tax_type,
                "taxRate": _decimal(rate),
                "taxAmount": _money(abs(amount), currency),
                "taxableAmount": _money(abs(base), currency),
            }
            for _tax, (rate, amount, base) in sorted(taxes.items(), key=lambda kv: kv[0].id)
        ]

    def _amazon_vendor_header_taxes(self):
        """The invoice's tax totals, from Odoo's own tax lines."""
        totals = {}
        for line in self.line_ids.filtered(lambda line: line.display_type == "tax" and line.tax_line_id):
            tax = line.tax_line_id
            rate, amount, base = totals.get(tax, (tax.amount, 0.0, 0.0))
            totals[tax] = (rate, amount + line.amount_currency * self.direction_sign, base)
        for tax, (rate, amount, _base) in list(totals.items()):
            base = sum(
                line.price_subtotal
                for line in self.invoice_line_ids
                if line.display_type == "product" and tax in line.tax_ids
            )
            totals[tax] = (rate, amount, base)
        return self._amazon_vendor_tax_details(totals)

    def _amazon_vendor_adjustment_vals(self, line, kind):
        currency = self.currency_id.name
        vals = {
            "type": line.product_id.product_tmpl_id.amazon_vendor_adjustment_type,
            "description": (line.name or line.product_id.name or "")[:100],
            f"{kind}Amount": _money(abs(line.price_subtotal), currency),
        }
        taxes = self._amazon_vendor_line_taxes(line)
        if taxes:
            vals["taxDetails"] = self._amazon_vendor_tax_details(taxes)
        return vals

    def _amazon_vendor_item_vals(self, sequence, line, sale_line):
        amount, net_cost = _amazon_quantity_and_cost(line, sale_line)
        item = {
            "itemSequenceNumber": sequence,
            "invoicedQuantity": {
                "amount": int(round(amount)),
                "unitOfMeasure": sale_line.amazon_vendor_ordered_uom or "Eaches",
                "unitSize": sale_line.amazon_vendor_unit_size or 1,
            },
            "netCost": _money(net_cost, self.currency_id.name, digits=_cost_digits(sale_line, self.currency_id)),
        }
        if sale_line.amazon_vendor_asin:
            item["amazonProductIdentifier"] = sale_line.amazon_vendor_asin
        if sale_line.amazon_vendor_product_ref:
            item["vendorProductIdentifier"] = sale_line.amazon_vendor_product_ref
        if sale_line.amazon_vendor_cost_uom:
            item["netCostUnitOfMeasure"] = sale_line.amazon_vendor_cost_uom
        item["purchaseOrderNumber"] = sale_line.order_id.amazon_vendor_po_number
        if self._amazon_vendor_is_credit_note():
            item["creditNoteDetails"] = self._amazon_vendor_credit_note_details()
        taxes = self._amazon_vendor_line_taxes(line)
        if taxes:
            item["taxDetails"] = self._amazon_vendor_tax_details(taxes)
        return item

    def _amazon_vendor_credit_note_details(self):
        details = {}
        if self.reversed_entry_id:
            details["referenceInvoiceNumber"] = self.reversed_entry_id.name
        if self.amazon_vendor_returns_reference:
            details["returnsReferenceNumber"] = self.amazon_vendor_returns_reference
        if self.amazon_vendor_goods_return_date:
            details["goodsReturnDate"] = to_amz(datetime.combine(self.amazon_vendor_goods_return_date, time.min))
        if self.amazon_vendor_coop_reference:
            details["coopReferenceNumber"] = self.amazon_vendor_coop_reference
        return details

    # ------------------------------------------------------------------ Amazon's rules

    def _amazon_vendor_invoice_problems(self):
        """Everything Amazon would refuse, or hold payment for, in plain words.

        :return: (problems, warnings): problems stop the invoice; warnings are the cost
            differences an account lets through
        """
        self.ensure_one()
        if not self.amazon_vendor_account_id:
            return [_("This is not an invoice of Amazon purchase orders.")], []
        if self.state != "posted":
            return [_("Confirm the invoice first: Amazon receives posted invoices only.")], []
        problems, warnings = [], []
        account = self.sudo().amazon_vendor_account_id
        items, _charges, _allowances, others = self._amazon_vendor_lines()
        orders = self._amazon_vendor_orders()
        for line in others:
            problems.append(
                _(
                    "Line “%(line)s” is on no Amazon purchase order and is no charge or allowance Amazon knows: "
                    "map its product to an Amazon charge or allowance type, or take it off.",
                    line=line.name or line.product_id.display_name,
                )
            )
        if not items:
            problems.append(_("No line of the invoice is an item of an Amazon purchase order."))
        problems += self._amazon_vendor_party_problems(orders)
        problems += self._amazon_vendor_date_problems(orders)
        problems += self._amazon_vendor_number_problems()
        if self._amazon_vendor_is_credit_note():
            problems += self._amazon_vendor_credit_note_problems(account)
        if float_is_zero(self.amount_total, precision_rounding=self.currency_id.rounding):
            problems.append(_("The total is zero: Amazon refuses invoices of nothing."))
        currencies = {sale_line.amazon_vendor_cost_currency for sale_line in items.values()} - {False}
        if currencies - {self.currency_id.name}:
            problems.append(
                _(
                    "The invoice is in %(currency)s but Amazon ordered in %(ordered)s.",
                    currency=self.currency_id.name,
                    ordered=", ".join(sorted(currencies)),
                )
            )
        cost_problems = []
        for line, sale_line in items.items():
            problems += self._amazon_vendor_quantity_problems(line, sale_line)
            cost_problems += self._amazon_vendor_cost_problems(line, sale_line)
        if account.invoice_cost_check == "warn":
            warnings += cost_problems
        else:
            problems += cost_problems
        if not problems:
            # The sums are only worth checking on a body Amazon could take.
            problems += self._amazon_vendor_total_problems(self._amazon_vendor_prepare_invoice_vals())
        return problems, warnings

    def _amazon_vendor_party_problems(self, orders):
        problems = []
        codes = set(orders.mapped("amazon_vendor_code")) - {False}
        if len(codes) > 1:
            problems.append(
                _(
                    "One invoice is paid to one vendor code; this one bills %(codes)s. Invoice each vendor code "
                    "on its own.",
                    codes=", ".join(sorted(codes)),
                )
            )
        partner = self.company_id.partner_id
        if not (partner.street and partner.country_id):
            problems.append(
                _(
                    "Give %(company)s a street and a country: Amazon pays the address on the invoice.",
                    company=partner.name,
                )
            )
        if self.sudo().amazon_vendor_account_id.region == EUROPE and not self.company_id.vat:
            problems.append(
                _(
                    "Amazon's European entities need your VAT number on every invoice: set it on %(company)s.",
                    company=self.company_id.name,
                )
            )
        return problems

    def _amazon_vendor_date_problems(self, orders):
        problems = []
        today = fields.Date.context_today(self)
        if self.invoice_date and self.invoice_date > today:
            problems.append(_("The invoice is dated in the future (%(date)s).", date=self.invoice_date))
        for order in orders.filtered("amazon_vendor_po_date"):
            if self.invoice_date and self.invoice_date < order.amazon_vendor_po_date.date():
                problems.append(
                    _(
                        "The invoice is dated %(date)s, before PO %(po)s was placed (%(placed)s).",
                        date=self.invoice_date,
                        po=order.amazon_vendor_po_number,
                        placed=order.amazon_vendor_po_date.date(),
                    )
                )
        return problems

    def _amazon_vendor_number_problems(self):
        codes = set(self._amazon_vendor_orders().mapped("amazon_vendor_code")) - {False}
        used = (
            self.env["amazon.vendor.invoice.number"]
            .sudo()
            .search([("name", "=", self.name), ("vendor_code", "in", list(codes)), ("move_id", "!=", self.id)], limit=1)
        )
        if not used:
            return []
        return [
            _(
                "Invoice number %(number)s was already sent to Amazon for vendor code %(code)s (%(when)s): Amazon "
                "never accepts a number twice. Give this invoice a new number.",
                number=self.name,
                code=used.vendor_code,
                when=used.create_date.date(),
            )
        ]

    def _amazon_vendor_credit_note_problems(self, account):
        if account.region != EUROPE:
            return [_("Amazon accepts credit notes only from vendors of its European marketplaces.")]
        problems = []
        if not self.amazon_vendor_credit_kind:
            problems.append(_("Say what the credit note is for (return, price, quantity or co-op)."))
        elif self.amazon_vendor_credit_kind == "return" and not (
            self.amazon_vendor_returns_reference and self.amazon_vendor_goods_return_date
        ):
            problems.append(_("A credit note for returned goods needs Amazon's return reference and the return date."))
        elif self.amazon_vendor_credit_kind == "coop" and not self.amazon_vendor_coop_reference:
            problems.append(_("A co-op credit note needs Amazon's co-op or debit note reference."))
        return problems

    def _amazon_vendor_quantity_problems(self, line, sale_line):
        po, seq = sale_line.order_id.amazon_vendor_po_number, sale_line.amazon_vendor_item_sequence
        amount, _cost = _amazon_quantity_and_cost(line, sale_line)
        unit = sale_line.amazon_vendor_ordered_uom or "Eaches"
        if float_compare(amount, round(amount), precision_digits=3):
            return [
                _(
                    "PO %(po)s item %(seq)s: %(amount)s %(unit)s is not a whole number of what Amazon ordered.",
                    po=po,
                    seq=seq,
                    amount=float_round(amount, 3),
                    unit=unit,
                )
            ]
        if self._amazon_vendor_is_credit_note():
            return []
        shipped = sale_line._amazon_vendor_announced_quantity()
        invoiced = sale_line.qty_invoiced
        if float_compare(invoiced, shipped, precision_rounding=sale_line.product_uom.rounding) > 0:
            factor = sale_line._amazon_vendor_product_quantity(1) or 1
            return [
                _(
                    "PO %(po)s item %(seq)s: %(invoiced)s %(unit)s invoiced but %(shipped)s shipped in ASNs Amazon "
                    "accepted. Amazon pays only what it was told was shipped.",
                    po=po,
                    seq=seq,
                    invoiced=float_round(invoiced / factor, 3),
                    shipped=float_round(shipped / factor, 3),
                    unit=unit,
                )
            ]
        return []

    def _amazon_vendor_cost_problems(self, line, sale_line):
        acknowledged = sale_line.amazon_vendor_net_cost
        if not acknowledged:
            return []
        _amount, cost = _amazon_quantity_and_cost(line, sale_line)
        digits = _cost_digits(sale_line, self.currency_id)
        if float_compare(cost, float(acknowledged), precision_digits=digits) == 0:
            return []
        invoiced = f"{cost:.{digits}f}"  # outside _(): Babel cannot read f-strings among its arguments
        return [
            _(
                "PO %(po)s item %(seq)s: invoiced at %(cost)s but acknowledged at %(acknowledged)s %(currency)s: "
                "Amazon holds payment on a cost that differs.",
                po=sale_line.order_id.amazon_vendor_po_number,
                seq=sale_line.amazon_vendor_item_sequence,
                cost=invoiced,
                acknowledged=acknowledged,
                currency=sale_line.amazon_vendor_cost_currency or self.currency_id.name,
            )
        ]

    def _amazon_vendor_total_problems(self, invoice):
        """Amazon's sums: total = items + charges - allowances + tax; line taxes = header taxes."""
        currency = self.currency_id
        items = sum(
            float(item["netCost"]["amount"]) * item["invoicedQuantity"]["amount"] * _eaches_per_unit(item)
            for item in invoice["items"]
        )
        charges = sum(float(c["chargeAmount"]["amount"]) for c in invoice.get("chargeDetails") or [])
        allowances = sum(float(a["allowanceAmount"]["amount"]) for a in invoice.get("allowanceDetails") or [])
        taxes = sum(float(t["taxAmount"]["amount"]) for t in invoice.get("taxDetails") or [])
        expected = items + charges - allowances + taxes
        problems = []
        if float_compare(expected, self.amount_total, precision_rounding=currency.rounding):
            problems.append(
                _(
                    "Amazon adds up %(expected)s (items at their net cost %(items)s, charges %(charges)s, allowances "
                    "%(allowances)s, tax %(taxes)s) but the invoice totals %(total)s: round the unit prices to the "
                    "cost Amazon ordered at.",
                    expected=currency.round(expected),
                    items=currency.round(items),
                    charges=currency.round(charges),
                    allowances=currency.round(allowances),
                    taxes=currency.round(taxes),
                    total=self.amount_total,
                )
            )
        line_taxes = defaultdict(float)
        for detail in [d for item in invoice["items"] for d in item.get("taxDetails") or []] + [
            d for adjustment in (invoice.get("chargeDetails") or []) for d in adjustment.get("taxDetails") or []
        ]:
            line_taxes[(detail["taxType"], detail["taxRate"])] += float(detail["taxAmount"]["amount"])
        for adjustment in invoice.get("allowanceDetails") or []:
            for detail in adjustment.get("taxDetails") or []:
                line_taxes[(detail["taxType"], detail["taxRate"])] -= float(detail["taxAmount"]["amount"])
        header_taxes = defaultdict(float)
        for detail in invoice.get("taxDetails") or []:
            header_taxes[(detail["taxType"], detail["taxRate"])] += float(detail["taxAmount"]["amount"])
        for key in sorted(set(line_taxes) | set(header_taxes)):
            if float_compare(line_taxes[key], header_taxes[key], precision_rounding=currency.rounding):
                problems.append(
                    _(
                        "The %(type)s of %(rate)s %% on the lines adds up to %(lines)s but the invoice's tax is "
                        "%(header)s: Amazon refuses the difference. Round taxes per line in the accounting "
                        "settings.",
                        type=key[0],
                        rate=key[1],
                        lines=currency.round(line_taxes[key]),
                        header=currency.round(header_taxes[key]),
                    )
                )
        return problems


# ---------------------------------------------------------------------- helpers

ALLOWANCE_TYPES = ("Discount", "DiscountIncentive", "Defective", "Promotional", "UnsaleableMerchandise", "Special")


def _decimal(value, digits=2):
    text = f"{float_round(value, digits):.{digits}f}"
    return text


def _money(amount, currency_code, digits=2):
    return {"currencyCode": currency_code, "amount": _decimal(amount, digits)}


def _cost_digits(sale_line, currency):
    """As many decimals as Amazon's net cost had, and at least the currency's."""
    ordered = sale_line.amazon_vendor_net_cost or ""
    decimals = len(ordered.split(".", 1)[1]) if "." in ordered else 0
    return max(decimals, currency.decimal_places)


def _eaches_per_unit(item):
    quantity = item["invoicedQuantity"]
    return (quantity.get("unitSize") or 1) if quantity["unitOfMeasure"] == "Cases" else 1


def _amazon_quantity_and_cost(line, sale_line):
    """The invoice line's quantity in Amazon's ordered unit and its net cost per each (or per the
    weight unit Amazon prices in), tax excluded and discount included."""
    quantity = line.product_uom_id._compute_quantity(line.quantity, sale_line.product_uom)
    per_unit = sale_line._amazon_vendor_product_quantity(1) or 1.0
    amount = quantity / per_unit
    price = line.price_subtotal / quantity if quantity else 0.0
    return amount, price * sale_line._amazon_vendor_cost_factor()


def _address(partner):
    if not (partner.name and partner.street and partner.country_id):
        return None
    address = {
        "name": partner.name,
        "addressLine1": partner.street,
        "addressLine2": partner.street2,
        "city": partner.city,
        "stateOrRegion": partner.state_id.code,
        "postalOrZipCode": partner.zip,
        "countryCode": partner.country_id.code,
    }
    return {key: value for key, value in address.items() if value}


def _bill_to_from_po(party):
    """Orders name the postal code ``postalCode``; invoices ``postalOrZipCode``."""
    vals = {"partyId": party["partyId"]}
    address = dict(party.get("address") or {})
    if address:
        if "postalCode" in address:
            address["postalOrZipCode"] = address.pop("postalCode")
        allowed = (
            "name",
            "addressLine1",
            "addressLine2",
            "addressLine3",
            "city",
            "county",
            "district",
            "stateOrRegion",
            "postalOrZipCode",
            "countryCode",
            "phone",
        )
        vals["address"] = {key: value for key, value in address.items() if key in allowed and value}
    tax = party.get("taxInfo") or {}
    if tax.get("taxRegistrationNumber"):
        vals["taxRegistrationDetails"] = [
            {
                "taxRegistrationType": tax.get("taxRegistrationType") or "VAT",
                "taxRegistrationNumber": tax["taxRegistrationNumber"],
            }
        ]
    return vals
