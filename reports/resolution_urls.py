"""URLs of the council's resolutions (ТОКТОМ)."""

app_name = "resolutions"

urlpatterns = []
