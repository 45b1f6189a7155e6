from django.apps import AppConfig


class DemoConfig(AppConfig):
    # No models: every row the demo writes belongs to another app.
    name = "demo"
