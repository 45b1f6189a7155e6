"""The students at risk's URLs, included under /reports/at-risk/ by reports.urls in its namespace
("reports"): reports:at_risk, reports:at_risk_notice, reports:at_risk_group_notices."""

from django.urls import path, register_converter

from . import views


class NoticeKind:
    regex = "docx|pdf"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(NoticeKind, "notice_kind")

urlpatterns = [
    path("", views.at_risk_page, name="at_risk"),
    path(
        "<int:session_id>/student/<int:student_id>/notice.<notice_kind:kind>",
        views.at_risk_notice,
        name="at_risk_notice",
    ),
    path(
        "<int:session_id>/group/<int:group_id>/notices.<notice_kind:kind>",
        views.at_risk_group_notices,
        name="at_risk_group_notices",
    ),
]
