"""Users outside the Amazon groups work as if the add-on were absent."""

from odoo.tests import Form, new_test_user, tagged

from .test_purchase_order_import import TEA, AmazonVendorPoCommon, make_po


@tagged("post_install", "-at_install")
class TestSalesWithoutAmazon(AmazonVendorPoCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(
            cls.env,
            login="plain_seller",
            groups="sales_team.group_sale_salesman,stock.group_stock_user,account.group_account_invoice",
        )
        cls.customer = cls.env["res.partner"].create({"name": "Corner Coffee Shop"})
        cls.env["stock.quant"]._update_available_quantity(cls.tea, cls.warehouse.lot_stock_id, 100)

    def test_quote_confirm_deliver_and_invoice(self):
        env = self.env(user=self.seller)
        with Form(env["sale.order"]) as quotation:
            quotation.partner_id = self.customer
            with quotation.order_line.new() as line:
                line.product_id = self.tea.with_env(env)
                line.product_uom_qty = 4
        order = quotation.save()

        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.quantity = 4
        picking.button_validate()
        invoice = order._create_invoices()
        invoice.action_post()

        self.assertRecordValues(order, [{"state": "sale", "invoice_status": "invoiced", "amazon_vendor_status": False}])
        self.assertEqual(picking.state, "done")
        self.assertEqual(invoice.state, "posted")

    def test_an_amazon_order_of_theirs_opens_and_confirms_without_amazon_rights(self):
        self.account.write({"user_id": self.seller.id, "ack_on_confirm": True})
        self.load_pos(make_po("2PLAIN01", [{"ref": TEA, "amount": 2}]))
        amazon_order = self.import_pos()
        self.assertEqual(amazon_order.user_id, self.seller)

        with Form(amazon_order.with_user(self.seller)) as form:
            form.note = "Handled by the plain seller"
        amazon_order.with_user(self.seller).action_confirm()

        self.assertEqual(amazon_order.state, "sale")
        self.assertEqual(amazon_order.amazon_vendor_ack_state, "sent", "the acknowledgement is queued for them")
        queued = self.env["amazon.vendor.transaction"].search([("res_id", "=", amazon_order.id)])
        self.assertEqual(queued.state, "draft")

    def test_the_screens_show_nothing_of_amazon(self):
        SaleOrder = self.env["sale.order"].with_user(self.seller)
        views = SaleOrder.get_views([(False, "form"), (False, "list"), (False, "search")])["views"]
        for view_type, view in views.items():
            self.assertNotIn("amazon", view["arch"].lower(), view_type)
        menus = self.env["ir.ui.menu"].with_user(self.seller)._visible_menu_ids()
        self.assertNotIn(self.env.ref("acorn_amazon_vendor.amazon_vendor_menu").id, menus)

        amazon_views = self.env["sale.order"].with_user(self.salesman).get_views([(False, "form"), (False, "search")])
        self.assertIn("action_amazon_vendor_acknowledge", amazon_views["views"]["form"]["arch"])
        self.assertIn("amazon_ack_overdue", amazon_views["views"]["search"]["arch"])
        self.assertIn(
            self.env.ref("acorn_amazon_vendor.amazon_vendor_menu").id,
            self.env["ir.ui.menu"].with_user(self.salesman)._visible_menu_ids(),
        )

    def test_invoices_and_their_send_screen_show_nothing_of_amazon(self):
        AccountMove = self.env["account.move"].with_user(self.seller)
        views = AccountMove.get_views([(False, "form"), (False, "list"), (False, "search")])["views"]
        for view_type, view in views.items():
            self.assertNotIn("amazon", view["arch"].lower(), view_type)
        product_form = self.env["product.template"].with_user(self.seller).get_views([(False, "form")])
        self.assertNotIn("amazon", product_form["views"]["form"]["arch"].lower())

        invoice = AccountMove.create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [(0, 0, {"product_id": self.tea.id, "price_unit": 3})],
            }
        )
        invoice.action_post()
        wizard = (
            self.env["account.move.send.wizard"]
            .with_user(self.seller)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
        )
        self.assertNotIn("amazon_vendor", wizard.sending_method_checkboxes)
