"""The values of the GS1 logistic label of Amazon cartons and pallets (PDF and ZPL)."""

from markupsafe import Markup

from odoo import _, api, models
from odoo.exceptions import UserError

from . import gs1_label

# Amazon's receiving staff read the labels, whoever prints them (and a printer rarely has CJK fonts).
LABEL_LANG = "en_US"

# The widest barcode, quiet zones included, that a 4 in wide label holds (mm).
BARCODE_MAX_WIDTH_MM = 95.0
ASN_MODULE_MM = 0.33
ASN_HEIGHT_MM = 14.0
# ZPL, in dots at 203 dpi.
ZPL_SSCC_MODULE = 4
ZPL_SSCC_HEIGHT = round(gs1_label.SSCC_HEIGHT_MM * gs1_label.ZPL_DOTS_PER_MM)
ZPL_ASN_MODULE = 3
ZPL_MAX_WIDTH = 770


class ReportAmazonVendorPackageLabel(models.AbstractModel):
    _name = "report.acorn_amazon_vendor.report_amazon_label"
    _description = "Amazon Carton and Pallet Label"

    @api.model
    def _get_report_values(self, docids, data=None):
        packages = self.env["stock.quant.package"].browse(docids)
        pdf = (data or {}).get("report_type") == "pdf"
        return {
            "doc_ids": docids,
            "doc_model": "stock.quant.package",
            "docs": packages,
            "labels": self._amazon_vendor_labels(packages),
            "zoom": gs1_label.wkhtmltopdf_zoom() if pdf else 1.0,
            "label_lang": LABEL_LANG,
        }

    def _amazon_vendor_labels(self, packages):
        """One label per carton, two per pallet (for two adjacent sides), in the order given.

        :return: list of dicts, one per label to print
        :raise UserError: when a package has neither an SSCC nor an Amazon container code
        """
        packages.check_access("read")
        pickings = {package: self._amazon_vendor_picking(package) for package in packages}
        self._amazon_vendor_number_packages(pickings)
        missing = packages.filtered(lambda package: not package._amazon_vendor_container_code()[0])
        if missing:
            raise UserError(
                _(
                    "These packages have no SSCC to print: %(packages)s. Set the GS1 company prefix in Settings > "
                    "Amazon Vendor, or enter the Amazon container code (AMZNCC) on the package.",
                    packages=", ".join(missing.mapped("name")),
                )
            )
        labels = []
        for package in packages:
            label = self._amazon_vendor_label_vals(package, pickings[package])
            labels += [label] * (2 if label["pallet"] else 1)
        return labels

    def _amazon_vendor_picking(self, package):
        """The Amazon delivery a carton leaves in (a pallet: that of its cartons), or an empty one.

        Read as superuser: whoever may print a package label may see where it goes, even without
        access to the sale orders.
        """
        cartons = package.amazon_vendor_carton_ids or package
        lines = (
            self.env["stock.move.line"]
            .sudo()
            .search([("result_package_id", "in", cartons.ids), ("quantity", ">", 0)], order="id desc")
        )
        amazon = lines.picking_id.filtered("amazon_vendor_account_id")
        return (amazon or lines.picking_id)[:1]

    def _amazon_vendor_number_packages(self, pickings):
        """Give the packages of Amazon deliveries their SSCCs, and the deliveries their ASN shipment
        ID, when the labels are printed before validation: what the label shows is what the ASN sends.

        All packages of a delivery at once: an SSCC renames its package, and the carton numbers
        ("Carton 3 of 5") follow the names, as the ASN's carton sequence does.
        """
        for picking in set(pickings.values()):
            if not picking.amazon_vendor_account_id:
                continue
            if picking.company_id.amazon_vendor_gs1_prefix:
                packages = picking._amazon_vendor_cartons() | picking._amazon_vendor_pallets()
                packages._amazon_vendor_assign_ssccs(picking.company_id)
            if not picking.amazon_vendor_shipment_identifier:
                picking.amazon_vendor_shipment_identifier = picking._amazon_vendor_new_shipment_identifier()

    def _amazon_vendor_label_vals(self, package, picking):
        pallet = package.amazon_vendor_container_type == "pallet"
        cartons = package.amazon_vendor_carton_ids if pallet else package
        lines = picking.move_line_ids.filtered(lambda line: line.quantity and line.result_package_id in cartons)
        orders = lines.move_id.sale_line_id.order_id.filtered("amazon_vendor_account_id")
        # The sequence of the ASN's cartonSequenceNumber, so "Carton 3" is carton 3 of the notice.
        siblings = (picking._amazon_vendor_pallets() if pallet else picking._amazon_vendor_cartons()).sorted(
            lambda sibling: (sibling.name, sibling.id)
        )
        shipment_id = picking.amazon_vendor_shipment_identifier
        asn_barcode = self._amazon_vendor_barcode(shipment_id, ASN_MODULE_MM, ASN_HEIGHT_MM) if shipment_id else None
        return {
            "package": package,
            "pallet": pallet,
            "index": list(siblings).index(package) + 1 if package in siblings else None,
            "count": len(siblings),
            "carton_count": len(cartons) if pallet else None,
            "po_numbers": sorted(set(orders.mapped("amazon_vendor_po_number"))),
            "ship_from": self._amazon_vendor_ship_from(picking, package),
            "ship_to": self._amazon_vendor_ship_to(picking, orders),
            "shipment_id": shipment_id,
            "asn_barcode": asn_barcode,
            "bol": picking.amazon_vendor_bol_number,
            **self._amazon_vendor_container_vals(package, picking),
        }

    def _amazon_vendor_container_vals(self, package, picking):
        kind, number = package._amazon_vendor_container_code()
        if kind == "SSCC":
            if not gs1_label.is_valid_sscc(number):
                raise UserError(
                    _(
                        "The SSCC of package %(package)s is not 18 digits with a valid check digit: %(sscc)s.",
                        package=package.name,
                        sscc=number,
                    )
                )
            prefix = (picking.company_id or package.company_id or self.env.company).amazon_vendor_gs1_prefix
            return {
                "code_type": kind,
                "code": number,
                "human_readable": gs1_label.sscc_human_readable(number, prefix),
                "barcode_data": gs1_label.SSCC_AI + number,
                "barcode": self._amazon_vendor_barcode(
                    gs1_label.FNC1 + gs1_label.SSCC_AI + number, gs1_label.SSCC_MODULE_MM, gs1_label.SSCC_HEIGHT_MM
                ),
            }
        return {
            "code_type": kind,
            "code": number,
            "human_readable": number,
            "barcode_data": number,
            "barcode": self._amazon_vendor_barcode(number, gs1_label.SSCC_MODULE_MM, gs1_label.SSCC_HEIGHT_MM),
        }

    @api.model
    def _amazon_vendor_barcode(self, value, module_mm, height_mm):
        """:return: {'src': data URI of the SVG, 'width': mm, 'height': mm}, narrowed to fit the label"""
        module = gs1_label.fitting_module(value, BARCODE_MAX_WIDTH_MM, module_mm)
        svg, width, height = gs1_label.code128_svg(value, module, height_mm)
        return {"src": gs1_label.svg_data_uri(svg), "width": width, "height": height}

    def _amazon_vendor_ship_from(self, picking, package):
        warehouse = picking.picking_type_id.warehouse_id
        company = picking.company_id or package.company_id or self.env.company
        partner = warehouse.partner_id or company.partner_id
        return {"name": partner.name, "lines": _address_lines(partner)}

    def _amazon_vendor_ship_to(self, picking, orders):
        order = orders[:1]
        partner = order.partner_shipping_id or picking.partner_id
        return {"code": order.amazon_vendor_fc_code, "name": partner.name, "lines": _address_lines(partner)}


class ReportAmazonVendorPackageLabelZpl(models.AbstractModel):
    _name = "report.acorn_amazon_vendor.report_amazon_label_zpl"
    _inherit = "report.acorn_amazon_vendor.report_amazon_label"
    _description = "Amazon Carton and Pallet Label (ZPL)"

    @api.model
    def _get_report_values(self, docids, data=None):
        values = super()._get_report_values(docids, data=data)
        values["labels"] = [label | self._amazon_vendor_zpl_vals(label) for label in values["labels"]]
        values["zpl"] = _zpl
        return values

    def _amazon_vendor_zpl_vals(self, label):
        """Module widths and positions, in dots, of the barcodes of a ZPL label."""
        code = label["code"]
        if label["code_type"] == "SSCC":
            data = gs1_label.FNC1 + gs1_label.SSCC_AI + code
            # Start C, FNC1, then the digits: a GS1-128 whatever the printer's firmware does by itself.
            command = f"^BCN,{ZPL_SSCC_HEIGHT},N,N,N^FD>;>8{gs1_label.SSCC_AI}{code}^FS"
        else:
            data = code
            command = f"^BCN,{ZPL_SSCC_HEIGHT},N,N,N,A^FD{_zpl(code)}^FS"
        module, left = _zpl_barcode_place(data, ZPL_SSCC_MODULE)
        vals = {"zpl_code_x": left, "zpl_code_module": module, "zpl_code_command": Markup(command)}
        if label["shipment_id"]:
            module, left = _zpl_barcode_place(label["shipment_id"], ZPL_ASN_MODULE)
            vals |= {"zpl_asn_module": module, "zpl_asn_x": left}
        return vals


def _address_lines(partner):
    if not partner:
        return []
    return [line.strip() for line in partner._display_address(without_company=True).splitlines() if line.strip()]


def _zpl_barcode_place(data, module_dots):
    """:return: (module width, left position) in dots of the Code 128 of ``data``, centred"""
    module = gs1_label.zpl_module_dots(data, ZPL_MAX_WIDTH, module_dots)
    bars = (gs1_label.code128_modules(data) - 2 * gs1_label.QUIET_MODULES) * module
    return module, max(0, (gs1_label.ZPL_LABEL_DOTS[0] - bars) // 2)


def _zpl(value):
    """A value (or lines, broken by ``\\&`` in a field block) for a ZPL field: QWeb must not
    HTML-escape what goes to the printer."""
    if isinstance(value, (list, tuple)):
        return Markup("\\&".join(gs1_label.zpl_text(line) for line in value))
    return Markup(gs1_label.zpl_text(value))
