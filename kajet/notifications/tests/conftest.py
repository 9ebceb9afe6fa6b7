from kajet.testutils.browser_fixtures import browser  # noqa: F401  (browser tests)
from kajet.testutils.push import push_service, vapid_key  # noqa: F401  (fixtures)
from kajet.testutils.smtp import smtp_server  # noqa: F401  (fixture)
