"""The portal's form widgets shared by its apps: a date picked in the browser's own calendar."""

from django import forms


class DateInput(forms.DateInput):
    """<input type="date">: the browser's calendar, the value sent as ISO (YYYY-MM-DD) whatever
    the page's language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
