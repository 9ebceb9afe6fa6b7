"""Browser fixtures shared with other apps (kajet.testutils.browser_fixtures)."""

from kajet.testutils.browser_fixtures import browser, signed_in

__all__ = ["browser", "signed_in"]
