"""A form as a browser submits it: read from a page's HTML, so that a test can "submit the page
exactly as rendered" and then change a field or two, as a person would."""

from html.parser import HTMLParser


class _Form(HTMLParser):
    def __init__(self, selector):
        super().__init__(convert_charrefs=True)
        self.key, self.value = selector
        self.inside = False
        self.fields = []  # (name, value), in document order
        self._select = None  # name of the open <select>, and whether one option was chosen
        self._options = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get(self.key) and self.value in attrs[self.key].split():
            self.inside = True
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value", ""), "selected" in attrs))

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            chosen = [value for value, selected in self._options if selected]
            first = self._options[0][0] if self._options else ""
            self.fields.append((self._select, chosen[0] if chosen else first))
            self._select = None
        if tag == "form":
            self.inside = False


def submitted(html, form_id=None, form_class=None):
    """{name: value} of the form with that id (or class), as the browser would post it."""
    selector = ("id", form_id) if form_id else ("class", form_class)
    parser = _Form(selector)
    parser.feed(html if isinstance(html, str) else html.decode())
    return dict(parser.fields)
