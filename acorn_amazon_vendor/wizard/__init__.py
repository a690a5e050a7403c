from . import amazon_vendor_po_import_wizard
