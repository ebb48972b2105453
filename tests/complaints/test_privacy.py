"""R-COMP-4 for every persona: the complainant's phone and address are seen by inspectors
and the assigned handler only — never by the staff member complained about, their window,
or anyone else — on the page, the PDF, the Excel export and the history view."""

import io
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.handling import complaint_transfer
from complaints.services import complaint_register
from staff.models import StaffMember
from tests.complaints.test_registration import complaint

pytestmark = pytest.mark.django_db

PHONE, ADDRESS, NAME = "13912345678", "幸福路", "刘投诉"
SEES = {"inspector", "department_head", "admin_user"}  # department_head is the handler
READS_MASKED = {"supervisor", "director"}
NO_ACCESS = {"clerk", "window_head", "applicant", "outsider"}


@pytest.fixture
def about_clerk(hall, inspector, clerk, department_head):
    now = timezone.now()
    c = complaint_register(
        actor=inspector,
        complaint=complaint(
            hall, staff_member=StaffMember.objects.get(user=clerk), received_at=now
        ),
        now=now,
    )
    return complaint_transfer(
        actor=inspector, complaint=c, window=hall.window, handler=department_head, now=now
    )


def _pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return " ".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )


@pytest.mark.parametrize("persona", sorted(SEES | READS_MASKED | NO_ACCESS))
def test_who_sees_the_complainant_everywhere(
    request,
    client,
    about_clerk,
    persona,
    window_head,
    supervisor,
    director,
    applicant,
    outsider,
    admin_user,
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    number = about_clerk.number
    urls = {
        "page": reverse("complaints:detail", args=[number]),
        "pdf": reverse("complaints:pdf", args=[number]),
        "export": reverse("complaints:export"),
        "list": reverse("complaints:list"),
    }
    texts = {}
    for what, url in urls.items():
        response = client.get(url)
        if persona in NO_ACCESS:
            assert response.status_code == 403, (persona, what)
            continue
        assert response.status_code == 200, (persona, what)
        body = response.content
        texts[what] = (
            _pdf_text(body)
            if what == "pdf"
            else _xlsx_text(body)
            if what == "export"
            else body.decode()
        )
    if persona in NO_ACCESS:
        return
    history = texts["page"].split("<details", 1)[1]  # the history view of the record
    assert PHONE not in history and ADDRESS not in history
    for what in ("page", "pdf", "export"):
        shown = PHONE in texts[what] and ADDRESS in texts[what] and NAME in texts[what]
        hidden = PHONE not in texts[what] and ADDRESS not in texts[what]
        if persona in SEES:
            assert shown, (persona, what)
        else:
            assert hidden and "139****5678" in texts[what], (persona, what)
    assert PHONE not in texts["list"]


def test_the_complained_clerk_heading_the_window_still_sees_nothing(
    client, hall, about_clerk, clerk, inspector
):
    """Even if the clerk became the window's head, they are not the handler."""
    hall.window.window_head = clerk
    hall.window.save()
    client.force_login(clerk)
    for url in (
        reverse("complaints:detail", args=[about_clerk.number]),
        reverse("complaints:pdf", args=[about_clerk.number]),
        reverse("complaints:export"),
    ):
        response = client.get(url)
        assert response.status_code == 403 or PHONE not in response.content.decode(errors="ignore")


def test_the_complained_clerk_gets_nothing_from_ratings_or_alerts(client, about_clerk, clerk):
    from hall.models import Alert

    client.force_login(clerk)
    for alert in Alert.objects.filter(user=clerk):
        assert PHONE not in alert.title + alert.body
    page = client.get(reverse("hall:alerts")).content.decode()
    assert PHONE not in page and ADDRESS not in page
