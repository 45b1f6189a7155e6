"""The reports app's admin, where Django's autodiscovery looks for it: the council's resolutions
(reports.resolutions.admin). The stored session figures have no admin page."""

from .resolutions import admin  # noqa: F401  (registers the resolution's admin)
