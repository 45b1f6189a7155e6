"""URLs of the execution of the council's resolutions."""

from django.urls import path

from . import views

app_name = "execution"

urlpatterns = [
    path("", views.item_list, name="list"),
    path("<int:pk>/", views.item_detail, name="item"),
]
