"""The clerk's pages and the public tracking page, through HTTP (issue 3)."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import formats, timezone, translation

from cases.models import Case, FirstInquiry, Notice
from cases.services import ApplicantInput, MaterialInput, case_intake
from hall.roles import Role
from tests.factories import MaterialFactory, ServiceItemFactory, StaffMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

VALID_ID = "11010519491231002X"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    cache.clear()


@pytest.fixture
def item(hall):
    item = ServiceItemFactory(
        code="SC-001",
        name="食品经营许可",
        department=hall.department,
        statutory_limit_days=20,
        promised_limit_days=8,
    )
    MaterialFactory(item=item, name="食品经营许可申请书")
    MaterialFactory(item=item, name="营业执照复印件")
    return item


def intake_data(item, **overrides):
    data = {
        "item": item.code,
        "kind": "accepted",
        "applicant_kind": "person",
        "applicant_name": "张三",
        "id_type": "resident_id",
        "id_number": VALID_ID,
        "phone": "13812345678",
        "leader_assigned": "",
    }
    for material in item.materials.all():
        data[f"mat_{material.pk}_received"] = "on"
        data[f"mat_{material.pk}_pages"] = "3"
    data.update(overrides)
    return data


@pytest.fixture
def case(clerk, hall, item):
    materials = [
        MaterialInput(name=m.name, item_material_id=m.pk, received=True, pages=2)
        for m in item.materials.all()
    ]
    return case_intake(
        actor=clerk,
        window=hall.window,
        item=item,
        kind="accepted",
        applicant=ApplicantInput(
            kind="person",
            name="张三",
            id_type="resident_id",
            id_number=VALID_ID,
            phone="13812345678",
        ),
        materials=materials,
        now=timezone.now(),
    )


# -- access ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["cases:list", "cases:intake", "cases:inquiry_new", "cases:inquiries"]
)
def test_an_anonymous_visitor_is_sent_to_log_in(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "persona, intake_status",
    [
        ("clerk", 200),
        ("window_head", 200),
        ("director", 200),
        ("department_head", 403),
        ("supervisor", 403),
        ("inspector", 403),
        ("applicant", 403),
        ("outsider", 403),
    ],
)
def test_only_window_staff_may_take_in_a_case(client, request, hall, persona, intake_status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("cases:intake")).status_code == intake_status
    assert client.get(reverse("cases:inquiry_new")).status_code == intake_status


@pytest.mark.parametrize(
    "persona, status",
    [
        ("clerk", 200),
        ("window_head", 200),
        ("department_head", 200),
        ("supervisor", 200),
        ("director", 200),
        ("inspector", 200),
        ("applicant", 404),
        ("outsider", 404),
    ],
)
def test_the_case_page_is_seen_within_scope_only(client, request, case, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(case.get_absolute_url()).status_code == status


def test_a_clerk_of_another_window_does_not_see_the_case(client, case, hall):
    other = UserFactory(username="other", roles=[Role.CLERK])
    StaffMemberFactory(user=other, window=hall.other_window, department=hall.other_department)
    client.force_login(other)
    assert client.get(case.get_absolute_url()).status_code == 404
    response = client.post(reverse("cases:action", args=[case.number, "approve"]))
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS


def test_actions_refuse_get(client, clerk, case):
    client.force_login(clerk)
    response = client.get(reverse("cases:action", args=[case.number, "approve"]))
    assert response.status_code == 405


# -- intake through the page -----------------------------------------------------------


def test_the_item_search_finds_the_window_items_by_pinyin(client, clerk, item):
    client.force_login(clerk)
    response = client.get(reverse("cases:intake"), {"q": "spjy"})
    assert "食品经营许可" in response.content.decode()


def test_a_clerk_takes_in_a_promised_case_and_sees_its_due_dates(client, clerk, item):
    # R-CASE-1, R-CASE-2: accepted promised case → acceptance notice and receipt.
    client.force_login(clerk)
    response = client.post(reverse("cases:intake"), intake_data(item))
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    assert case.status == Case.Status.IN_PROGRESS
    assert set(case.notices.values_list("kind", flat=True)) == {"acceptance", "receipt"}
    page = client.get(case.get_absolute_url()).content.decode()
    assert case.number in page
    with translation.override("en"):
        assert formats.date_format(case.promised_due, "SHORT_DATE_FORMAT") in page
    assert VALID_ID in page  # full ID for the case's own window


def test_a_wrong_id_number_is_refused_and_what_was_typed_is_kept(client, clerk, item):
    client.force_login(clerk)
    bad = VALID_ID[:-1] + "1"
    response = client.post(reverse("cases:intake"), intake_data(item, id_number=bad))
    assert response.status_code == 200
    page = response.content.decode()
    assert "check digit" in page
    assert bad in page and "张三" in page  # nothing typed is lost
    assert Case.objects.count() == 0


def test_an_accepted_case_missing_a_material_is_refused_with_a_message(client, clerk, item):
    client.force_login(clerk)
    first = item.materials.first()
    data = intake_data(item)
    del data[f"mat_{first.pk}_received"]
    response = client.post(reverse("cases:intake"), data)
    assert response.status_code == 200
    assert "supplement case" in response.content.decode()
    assert Case.objects.count() == 0


def test_a_supplement_case_lists_the_missing_material_with_its_reason(client, clerk, item):
    client.force_login(clerk)
    first = item.materials.first()
    data = intake_data(item, kind="supplement")
    del data[f"mat_{first.pk}_received"]
    data[f"mat_{first.pk}_reason"] = "缺少法定代表人签字"
    client.post(reverse("cases:intake"), data)
    case = Case.objects.get()
    assert case.status == Case.Status.AWAITING_SUPPLEMENT
    notice = case.notices.get(kind=Notice.Kind.SUPPLEMENT)
    assert notice.body["missing"][0]["reason"] == "缺少法定代表人签字"


def test_an_inquiry_becomes_a_case_in_one_step(client, clerk, hall, item):
    client.force_login(clerk)
    response = client.post(
        reverse("cases:inquiry_new"),
        {
            "window": hall.window.pk,
            "channel": "in_person",
            "subject": "办理食品经营许可",
            "inquirer_name": "李四",
            "inquirer_phone": "13900001111",
            "disposition": "case",
        },
    )
    inquiry = FirstInquiry.objects.get()
    assert response.url.endswith(f"?inquiry={inquiry.pk}")
    form = client.get(reverse("cases:intake"), {"item": item.code, "inquiry": inquiry.pk})
    assert "李四" in form.content.decode()  # the inquiry's data is kept
    client.post(
        reverse("cases:intake"),
        intake_data(item, applicant_name="李四", phone="13900001111", inquiry=inquiry.pk),
    )
    inquiry.refresh_from_db()
    assert inquiry.case is not None and inquiry.case.applicant_name == "李四"


def test_a_referred_inquiry_shows_in_the_other_windows_list(client, clerk, hall):
    client.force_login(clerk)
    client.post(
        reverse("cases:inquiry_new"),
        {
            "window": hall.window.pk,
            "channel": "phone",
            "subject": "户口迁移",
            "disposition": "window",
            "referred_to_window": hall.other_window.pk,
        },
    )
    other = UserFactory(username="other", roles=[Role.CLERK])
    StaffMemberFactory(user=other, window=hall.other_window, department=hall.other_department)
    client.force_login(other)
    assert "户口迁移" in client.get(reverse("cases:inquiries")).content.decode()


# -- list, privacy -----------------------------------------------------------------------


def test_the_list_masks_the_id_number(client, clerk, case):
    client.force_login(clerk)
    page = client.get(reverse("cases:list")).content.decode()
    assert case.number in page
    assert "1101**********002X" in page
    assert VALID_ID not in page


def test_the_department_head_sees_a_masked_id_on_the_case_page(client, department_head, case):
    client.force_login(department_head)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "1101**********002X" in page and VALID_ID not in page
    assert "138****5678" in page


def test_the_inspector_sees_the_full_id(client, inspector, case):
    client.force_login(inspector)
    assert VALID_ID in client.get(case.get_absolute_url()).content.decode()


def test_closed_cases_are_found_by_a_full_id_only(client, clerk, case):
    client.force_login(clerk)
    client.post(reverse("cases:action", args=[case.number, "approve"]))
    client.post(reverse("cases:action", args=[case.number, "pickup"]))
    full = client.get(reverse("cases:list"), {"q": VALID_ID}).content.decode()
    part = client.get(reverse("cases:list"), {"q": VALID_ID[:10]}).content.decode()
    assert 'data-testid="closed-row"' in full
    assert 'data-testid="closed-row"' not in part


def test_an_illegal_transition_shows_a_message_and_changes_nothing(client, clerk, case):
    client.force_login(clerk)
    response = client.post(reverse("cases:action", args=[case.number, "pickup"]), follow=True)
    assert "cannot be picked up" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS


# -- public tracking ---------------------------------------------------------------------


def test_the_applicant_tracks_a_case_with_its_code_without_personal_data(client, case):
    response = client.post(
        reverse("cases:track"), {"number": case.number, "code": case.tracking_code.lower()}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="track-result"' in page
    assert case.get_status_display() in page
    assert "张三" not in page and VALID_ID not in page and "13812345678" not in page


def test_wrong_tracking_codes_are_rate_limited(client, case, settings):
    settings.HALL_TRACKING_MAX_FAILURES = 3
    for _ in range(3):
        response = client.post(reverse("cases:track"), {"number": case.number, "code": "WRONG"})
        assert "No case matches" in response.content.decode()
    locked = client.post(
        reverse("cases:track"), {"number": case.number, "code": case.tracking_code}
    )
    assert locked.status_code == 429
    assert 'data-testid="track-result"' not in locked.content.decode()


def test_the_qr_link_prefills_the_case_number(client, case):
    page = client.get(reverse("cases:track"), {"number": case.number}).content.decode()
    assert f'value="{case.number}"' in page


def test_a_case_received_now_shows_working_days_left(client, clerk, case):
    client.force_login(clerk)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "working days left" in page
    assert timezone.localdate() <= case.promised_due + dt.timedelta(days=0)


@pytest.mark.parametrize(
    "persona, status",
    [
        ("clerk", 302),
        ("window_head", 302),
        ("director", 302),
        ("department_head", 403),
        ("supervisor", 403),
        ("inspector", 403),
        ("applicant", 404),
        ("outsider", 404),
    ],
)
def test_only_the_windows_staff_may_act_on_its_case(client, request, case, persona, status):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("cases:action", args=[case.number, "approve"]))
    assert response.status_code == status
    case.refresh_from_db()
    expected = Case.Status.APPROVED if status == 302 else Case.Status.IN_PROGRESS
    assert case.status == expected


@pytest.mark.parametrize(
    "persona, status",
    [
        ("clerk", 200),
        ("window_head", 200),
        ("department_head", 200),
        ("supervisor", 200),
        ("director", 200),
        ("inspector", 200),
        ("applicant", 404),
        ("outsider", 404),
    ],
)
def test_documents_open_as_page_and_pdf_within_scope(client, request, case, persona, status):
    client.force_login(request.getfixturevalue(persona))
    notice = case.notices.get(kind=Notice.Kind.RECEIPT)
    page = client.get(reverse("cases:document", args=[case.number, notice.pk]))
    pdf = client.get(reverse("cases:document_pdf", args=[case.number, notice.pk]))
    assert (page.status_code, pdf.status_code) == (status, status)
    if status == 200:
        assert pdf["Content-Type"] == "application/pdf"


def test_the_window_head_approves_an_extension_through_the_page(client, clerk, window_head, case):
    client.force_login(clerk)
    client.post(
        reverse("cases:action", args=[case.number, "extend"]),
        {"days": "5", "reason": "需要现场核查"},
    )
    extension = case.extensions.get()
    refused = client.post(
        reverse("cases:extension_decide", args=[case.number, extension.pk]), {"decision": "approve"}
    )
    assert refused.status_code == 403  # the clerk may not decide
    client.force_login(window_head)
    before = case.statutory_due
    client.post(
        reverse("cases:extension_decide", args=[case.number, extension.pk]), {"decision": "approve"}
    )
    case.refresh_from_db()
    assert case.extension_days == 5 and case.statutory_due > before
    assert case.notices.filter(kind=Notice.Kind.EXTENSION).exists()


def test_a_refusal_through_the_page_needs_the_filing_and_the_head_reviews_it(
    client, clerk, window_head, case
):
    client.force_login(clerk)
    incomplete = client.post(
        reverse("cases:action", args=[case.number, "refuse"]),
        {"reason": "unlawful", "detail": ""},
        follow=True,
    )
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert incomplete.status_code == 200
    client.post(
        reverse("cases:action", args=[case.number, "refuse"]),
        {
            "reason": "unlawful",
            "detail": "经营场所不符合要求",
            "clerk_post": "综合受理岗",
            "clerk_phone": "13900001111",
        },
    )
    case.refresh_from_db()
    assert case.status == Case.Status.REFUSED
    client.force_login(window_head)
    client.post(
        reverse("cases:action", args=[case.number, "review"]),
        {"decision": "overturn", "opinion": "场所已整改，不应拒绝"},
    )
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert case.rejection_filing.status == "overturned"


def test_a_late_case_says_how_many_working_days_it_is_overdue(client, clerk, case):
    case.promised_due = case.accepted_on - dt.timedelta(days=14)
    case.save()
    client.force_login(clerk)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "working days overdue" in page
    assert "-1" not in page.split('data-testid="promised-due"')[1][:200]
