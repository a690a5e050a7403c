from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# Amazon's units: the model takes In/Ft/Meter/Yard and G/Kg/Oz/Lb. North American FCs work in
# inches and pounds, the others in metres and kilograms.
AMAZON_UNITS = {
    "na": {"length": ("In", "uom.product_uom_inch"), "weight": ("Lb", "uom.product_uom_lb")},
    "eu": {"length": ("Meter", "uom.product_uom_meter"), "weight": ("Kg", "uom.product_uom_kgm")},
    "fe": {"length": ("Meter", "uom.product_uom_meter"), "weight": ("Kg", "uom.product_uom_kgm")},
}


class StockQuantPackage(models.Model):
    _inherit = "stock.quant.package"

    amazon_vendor_sscc = fields.Char(
        string="SSCC",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Serial Shipping Container Code of this carton or pallet: printed as a GS1-128 barcode on its "
        "label and sent in the shipment notice. Never reused.",
    )
    amazon_vendor_amzncc = fields.Char(
        string="Amazon Container Code",
        copy=False,
        help="The AMZNCC Amazon issued for this container, for vendors labelling with Amazon's codes instead "
        "of their own SSCCs.",
    )
    amazon_vendor_pallet_id = fields.Many2one(
        "stock.quant.package",
        string="On Pallet",
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The pallet this carton is loaded on.",
    )
    amazon_vendor_carton_ids = fields.One2many("stock.quant.package", "amazon_vendor_pallet_id", string="Cartons")
    amazon_vendor_container_type = fields.Selection(
        [("carton", "Carton"), ("pallet", "Pallet")],
        string="Amazon Container",
        compute="_compute_amazon_vendor_container_type",
    )
    amazon_vendor_tracking_ref = fields.Char(
        string="Tracking Number",
        copy=False,
        help="The carrier's tracking number of this carton; Amazon requires one per carton for small parcel.",
    )

    _sql_constraints = [
        (
            "amazon_vendor_sscc_uniq",
            "unique(amazon_vendor_sscc)",
            "This SSCC already belongs to another package: an SSCC is never reused.",
        ),
    ]

    @api.depends("amazon_vendor_carton_ids", "package_type_id.amazon_vendor_container_type")
    def _compute_amazon_vendor_container_type(self):
        for package in self:
            pallet = (
                package.amazon_vendor_carton_ids or package.package_type_id.amazon_vendor_container_type == "pallet"
            )
            package.amazon_vendor_container_type = "pallet" if pallet else "carton"

    @api.constrains("amazon_vendor_pallet_id")
    def _check_amazon_vendor_pallet(self):
        for package in self.filtered("amazon_vendor_pallet_id"):
            pallet = package.amazon_vendor_pallet_id
            if pallet == package or pallet.amazon_vendor_pallet_id:
                raise ValidationError(
                    _("A pallet cannot be loaded on another pallet (%(pallet)s).", pallet=pallet.name)
                )
            if package.amazon_vendor_carton_ids:
                raise ValidationError(
                    _("%(package)s holds cartons: it is a pallet and cannot go on a pallet.", package=package.name)
                )

    def _amazon_vendor_container_code(self):
        """:return: (Amazon's containerIdentificationType, number) of this package, or (None, None)"""
        self.ensure_one()
        if self.amazon_vendor_sscc:
            return "SSCC", self.amazon_vendor_sscc
        if self.amazon_vendor_amzncc:
            return "AMZNCC", self.amazon_vendor_amzncc
        return None, None

    def _amazon_vendor_assign_ssccs(self, company):
        """Give every package without an SSCC or AMZNCC a new SSCC of ``company`` and name it by it,
        so Odoo's own labels and GS1 scanning recognise it."""
        todo = self.filtered(lambda package: not (package.amazon_vendor_sscc or package.amazon_vendor_amzncc))
        if not todo:
            return
        for package, sscc in zip(todo, company._amazon_vendor_next_ssccs(len(todo))):
            package.write({"amazon_vendor_sscc": sscc, "name": sscc})

    def _amazon_vendor_weights(self, picking, region):
        """Gross weight per package in Amazon's unit of ``region``: the weighed shipping weight, else
        the package type's tare plus its goods; a pallet adds its cartons.

        :return: (unit, {package: weight})
        """
        unit, xmlid = AMAZON_UNITS[region]["weight"]
        odoo_uom = self.env["product.template"]._get_weight_uom_id_from_ir_config_parameter()
        amazon_uom = self.env.ref(xmlid)
        cartons = self.filtered(lambda package: package.amazon_vendor_container_type == "carton")
        computed = cartons._get_weight(picking.id) if cartons else {}
        weights = {}
        for carton in cartons:
            weights[carton] = carton.shipping_weight or computed.get(carton, 0.0)
        for pallet in self - cartons:
            loaded = sum(weights.get(carton, 0.0) for carton in pallet.amazon_vendor_carton_ids)
            weights[pallet] = pallet.shipping_weight or (pallet.package_type_id.base_weight + loaded)
        return unit, {
            package: odoo_uom._compute_quantity(weight, amazon_uom, round=False) for package, weight in weights.items()
        }

    def _amazon_vendor_dimensions(self, region):
        """(length, width, height) of the package type in Amazon's unit of ``region``, or None.

        :return: (unit, {package: (length, width, height) or None})
        """
        unit, xmlid = AMAZON_UNITS[region]["length"]
        odoo_uom = self.env["product.template"]._get_length_uom_id_from_ir_config_parameter()
        amazon_uom = self.env.ref(xmlid)
        dimensions = {}
        for package in self:
            kind = package.package_type_id
            sides = (kind.packaging_length, kind.width, kind.height)
            dimensions[package] = (
                tuple(odoo_uom._compute_quantity(side, amazon_uom, round=False) for side in sides)
                if kind and all(sides)
                else None
            )
        return unit, dimensions
