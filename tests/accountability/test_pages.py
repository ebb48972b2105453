"""The accountability pages (R-ACC-1..7, R-ACC-9): a case from its hearing to its
decision and appeal through the browser's requests, the notices as PDFs with
Chinese text, refusals that keep what was typed, and who may see what."""

from __future__ import annotations

import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from accountability.grouping import case_open
from accountability.models import AccountabilityCase, Decision, Effect, Hearing, Rule
from hall.roles import Role
from tests.factories import StaffMemberFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"


def login(client, user):
    client.force_login(user)
    return client


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def case(inspector, clerk, hall):
    return case_open(
        actor=inspector,
        rule=Rule.objects.get(code="R-ACC-9"),
        origin="inspection",
        facts="窗口人员对办事群众态度生硬，被暗访记录。",
        now=timezone.now(),
        window=hall.window,
        person=clerk,
    )


def hear(client, case, clerk):
    return client.post(
        reverse("accountability:case_hear", args=[case.pk]),
        {"link_clerk": "on", "person_clerk": clerk.pk},
    )


def test_a_case_goes_from_hearing_to_decision_to_annulled_appeal_through_the_pages(
    client, case, inspector, clerk, director
):
    # R-ACC-1: the inspector sends the notice; the clerk states; then the decision.
    login(client, inspector)
    page = client.get(reverse("accountability:case", args=[case.pk]))
    assert page.status_code == 200 and "陈述申辩" in page.content.decode()
    assert hear(client, case, clerk).status_code == 302
    hearing = Hearing.objects.get(case=case)
    decide = reverse("accountability:case_decide", args=[case.pk])
    early = client.post(decide, {"points_clerk": "3", "reasons": "态度生硬，事实清楚。"})
    assert early.status_code == 400
    assert "陈述申辩" in early.content.decode() and "态度生硬，事实清楚。" in early.content.decode()
    assert not Decision.objects.exists()

    login(client, clerk)
    notice = client.get(reverse("accountability:hearing", args=[hearing.pk]))
    assert notice.status_code == 200 and "窗口人员对办事群众态度生硬" in notice.content.decode()
    pdf = client.get(reverse("accountability:hearing_pdf", args=[hearing.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert "陈述申辩告知书" in pdf_text(pdf.content)
    client.post(
        reverse("accountability:hearing", args=[hearing.pk]),
        {"statement": "当时排队人多，我有急躁情绪。"},
    )
    hearing.refresh_from_db()
    assert hearing.stated_at and hearing.stated_by == clerk

    login(client, inspector)
    out_of_range = client.post(decide, {"points_clerk": "9", "reasons": "理由写好了"})
    assert out_of_range.status_code == 400 and "理由写好了" in out_of_range.content.decode()
    assert (
        client.post(decide, {"points_clerk": "3", "reasons": "态度生硬，事实清楚。"}).status_code
        == 302
    )
    decision = Decision.objects.get(case=case)
    assert decision.status == Decision.Status.IN_FORCE
    criticism = Effect.objects.get(decision=decision, kind=Effect.Kind.CRITICISM)
    text = pdf_text(client.get(reverse("accountability:decision_pdf", args=[decision.pk])).content)
    assert "问责决定书" in text and "态度生硬，事实清楚。" in text and "王小明" in text
    text = pdf_text(
        client.get(reverse("accountability:criticism_pdf", args=[criticism.pk])).content
    )
    assert "通报批评" in text

    login(client, clerk)
    act = reverse("accountability:decision_act", args=[decision.pk, "appeal"])
    assert client.post(act, {"grounds": "当日情况特殊，请求复核。"}).status_code == 302
    appeal = decision.appeals.get()
    # Whoever decided may not review (403, the reasons kept on the page).
    login(client, inspector)
    review = reverse("accountability:appeal_review", args=[appeal.pk])
    refused = client.post(review, {"outcome": "annulled", "review_reasons": "我来复核"})
    assert refused.status_code == 403 and "我来复核" in refused.content.decode()
    login(client, director)
    assert (
        client.post(
            review, {"outcome": "annulled", "review_reasons": "证据不足，撤销。"}
        ).status_code
        == 302
    )
    assert not Effect.objects.in_force().filter(decision=decision).exists()
    case.refresh_from_db()
    assert case.status == AccountabilityCase.Status.CLOSED
    page = client.get(reverse("accountability:case", args=[case.pk])).content.decode()
    assert "撤销" in page


def test_the_desk_queue_and_cases_per_persona(
    client, case, inspector, clerk, hall, window_head, department_head, applicant
):
    other = StaffMemberFactory(
        user=UserFactory(username="colleague", first_name="赵同事", roles=[Role.CLERK]),
        window=hall.window,
        department=hall.department,
    ).user
    theirs = case_open(
        actor=inspector,
        rule=Rule.objects.get(code="R-ACC-9"),
        origin="inspection",
        facts="同事的案件",
        now=timezone.now(),
        window=hall.window,
        person=other,
    )
    desk = reverse("accountability:desk")
    page = login(client, inspector).get(desk).content.decode()
    assert case.number in page and theirs.number in page and "待告知陈述申辩" in page
    # A clerk sees only their own case, and not the other's page.
    page = login(client, clerk).get(desk).content.decode()
    assert case.number in page and theirs.number not in page
    assert client.get(reverse("accountability:case", args=[theirs.pk])).status_code == 403
    # The window head and the department head see both of their window's.
    for user in (window_head, department_head):
        page = login(client, user).get(desk).content.decode()
        assert case.number in page and theirs.number in page
    assert login(client, applicant).get(desk).status_code == 403


def test_records_per_person_and_window_are_scoped(client, case, inspector, clerk, hall, applicant):
    person = reverse("accountability:record_person", args=[clerk.pk])
    window = reverse("accountability:record_window", args=[hall.window.pk])
    assert login(client, clerk).get(person).status_code == 200
    assert client.get(window).status_code == 403
    assert login(client, inspector).get(person).status_code == 200
    page = client.get(window).content.decode()
    assert case.number in page
    assert login(client, applicant).get(person).status_code == 403


def test_only_an_inspector_opens_a_case_by_hand_and_a_refusal_keeps_the_facts(
    client, inspector, clerk, hall
):
    url = reverse("accountability:case_new")
    assert login(client, clerk).get(url).status_code == 403
    login(client, inspector)
    refused = client.post(url, {"origin": "media", "facts": "媒体曝光：窗口推诿。"})
    assert refused.status_code == 400 and "媒体曝光：窗口推诿。" in refused.content.decode()
    assert not AccountabilityCase.objects.exists()
    rule = Rule.objects.get(code="R-ACC-4.1")
    done = client.post(
        url,
        {
            "origin": "media",
            "rule": rule.pk,
            "window": hall.window.pk,
            "facts": "媒体曝光：窗口推诿。",
        },
    )
    assert done.status_code == 302
    assert AccountabilityCase.objects.get().origin == "media"


def test_the_take_up_button_turns_occurrences_into_cases(client, inspector, clerk, hall):
    from accountability.services import occurrence_record

    occurrence_record(
        rule="R-ACC-4.5",
        source=hall.window,
        occurred_at=timezone.now(),
        window=hall.window,
        detail="超时",
    )
    assert login(client, clerk).post(reverse("accountability:take_up")).status_code == 403
    login(client, inspector)
    client.post(reverse("accountability:take_up"))
    client.post(reverse("accountability:take_up"))
    assert AccountabilityCase.objects.count() == 1
