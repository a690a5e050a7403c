{
    "name": "ACORN - Amazon Vendor Central",
    "summary": "Run an Amazon Vendor Central (1P) business from Odoo through the Selling Partner API",
    "version": "18.0.1.1.0",
    "category": "Sales/Sales",
    "author": "ACORN",
    "website": "https://github.com/acorn-odoo/acorn_amazon_vendor",
    "license": "LGPL-3",
    # sale_stock: POs become sale orders shipped from the vendor code's warehouse;
    # account: invoices, credit notes and remittances are reconciled natively.
    # stock packages (Put in Pack) are the cartons and pallets of shipment notices.
    "depends": ["sale_stock", "account", "account_edi_ubl_cii"],
    "external_dependencies": {"python": ["requests", "PyJWT", "xmltodict"]},
    "data": [
        "security/acorn_amazon_vendor_groups.xml",
        "security/ir.model.access.csv",
        "security/acorn_amazon_vendor_rules.xml",
        "data/ir_config_parameter_data.xml",
        "data/ir_cron_data.xml",
        "data/ir_sequence_data.xml",
        "data/mail_activity_type_data.xml",
        "views/amazon_vendor_po_import_wizard_views.xml",
        "views/amazon_vendor_ack_wizard_views.xml",
        "views/amazon_vendor_shipping_wizard_views.xml",
        "views/amazon_vendor_account_views.xml",
        "views/amazon_vendor_audit_log_views.xml",
        "views/amazon_vendor_transaction_views.xml",
        "views/res_config_settings_views.xml",
        "views/sale_order_views.xml",
        "views/stock_picking_views.xml",
        "views/stock_picking_collect_views.xml",
        "views/account_move_views.xml",
        "views/amazon_vendor_invoice_number_views.xml",
        "views/product_template_views.xml",
        "report/amazon_vendor_label_reports.xml",
        "views/acorn_amazon_vendor_menus.xml",
        "report/amazon_vendor_match_report_views.xml",
    ],
    "demo": [
        "data/amazon_vendor_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "acorn_amazon_vendor/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "application": True,
}
