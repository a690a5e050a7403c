from . import test_account
from . import test_audit_log
from . import test_authorization
from . import test_security
from . import test_tour
