"""The reports app's admin, where Django's autodiscovery looks for it: the council's resolutions
(reports.resolutions.admin) and their execution, read only (reports.execution.admin). The stored
session figures have no admin page."""

from .execution import admin as execution_admin  # noqa: F401  (registers its admin)
from .resolutions import admin  # noqa: F401  (registers the resolution's admin)
