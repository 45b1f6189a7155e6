"""The JSON API of the report's figures."""

app_name = "api"

urlpatterns = []
