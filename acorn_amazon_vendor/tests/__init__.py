from . import test_account
from . import test_audit_log
from . import test_authorization
from . import test_security
from . import test_tour
from . import test_transaction
from . import test_purchase_order_import
from . import test_acknowledgement
