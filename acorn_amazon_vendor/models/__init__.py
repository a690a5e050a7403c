from . import amazon_vendor_account
from . import amazon_vendor_audit_log
from . import amazon_vendor_code
from . import res_config_settings
