"""The life of an accepted case: every transition and every refusal of an illegal one
(R-CASE-4, R-CASE-5, R-CASE-6, R-CASE-8, R-ORG-6).

Dates are on the real 2026 calendar (hall/0002): 2026-10-01..07 are National Day
holidays, Sat 2026-10-10 is a make-up working day.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from cases.models import Case, CasePart, Notice, RejectionFiling
from cases.services import (
    ApplicantInput,
    MaterialInput,
    PartInput,
    case_approve,
    case_intake,
    case_pickup,
    case_refuse,
    extension_decide,
    extension_request,
    filing_review,
    part_complete,
    supplement_notice_issue,
    supplement_receive,
    suspension_end,
    suspension_start,
)
from hall.roles import Role
from tests.factories import MaterialFactory, ServiceItemFactory, StaffMemberFactory, UserFactory
from windows.models import ServiceItem

pytestmark = pytest.mark.django_db

D = dt.date
S = Case.Status


def at(year, month, day, hour=10, minute=0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


NOW = at(2026, 9, 28)
REFUSED_AT = at(2026, 9, 29)  # Tue
REVIEWED_AT = at(2026, 9, 30)  # Wed


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def item(hall):
    item = ServiceItemFactory(
        department=hall.department,
        kind=ServiceItem.Kind.PROMISED,
        statutory_limit_days=20,
        promised_limit_days=8,
    )
    MaterialFactory(item=item, name="申请书")
    MaterialFactory(item=item, name="身份证明")
    return item


APPLICANT = ApplicantInput(
    kind=Case.ApplicantKind.PERSON,
    name="赵大山",
    id_type=Case.IdType.RESIDENT_ID,
    id_number="11010519491231002X",
    phone="13812345678",
)


def intake(clerk, hall, item, kind=Case.Kind.ACCEPTED, missing=(), **kwargs) -> Case:
    materials = [
        MaterialInput(name=m.name, item_material_id=m.pk, missing_reason="未提交")
        if m.name in missing
        else MaterialInput(name=m.name, item_material_id=m.pk, received=True, pages=2)
        for m in item.materials.all()
    ]
    return case_intake(
        actor=clerk,
        window=hall.window,
        item=item,
        kind=kind,
        applicant=APPLICANT,
        materials=materials,
        now=NOW,
        **kwargs,
    )


@pytest.fixture
def case(clerk, hall, item):
    """In progress: accepted Mon 2026-09-28, promised due 10/14, statutory due 10/30."""
    return intake(clerk, hall, item)


@pytest.fixture
def other_clerk(hall):
    """A clerk of window B01 (department D2)."""
    return StaffMemberFactory(
        user=UserFactory(username="clerk_b01", first_name="孙小红", roles=[Role.CLERK]),
        window=hall.other_window,
        department=hall.other_department,
    ).user


def status_of(case) -> str:
    case.refresh_from_db()
    return case.status


def suspend(case, actor, now=NOW, **kwargs):
    return suspension_start(case=case, actor=actor, now=now, reason="testing", **kwargs)


def refuse(case, actor, now=REFUSED_AT, **changes):
    values = {
        "reason": RejectionFiling.Reason.UNLAWFUL,
        "detail": "经营场所位于居民楼内，不符合食品经营条件",
        "clerk_post": "综合受理岗",
        "clerk_phone": "13900001111",
    }
    values.update(changes)
    return case_refuse(case=case, actor=actor, now=now, **values)


# --- suspension and resumption (N-1 art. 45) -----------------------------------------------


def test_a_case_in_progress_can_be_suspended_and_the_applicant_is_told(clerk, case):
    suspension = suspend(case, clerk, detail="委托检测")
    assert status_of(case) == S.SUSPENDED
    assert suspension.started_on == D(2026, 9, 28) and suspension.started_by == clerk
    assert case.notices.filter(kind=Notice.Kind.SUSPENSION).count() == 1


def test_a_suspended_case_cannot_be_suspended_again(clerk, case):
    suspend(case, clerk)
    with pytest.raises(ValidationError):
        suspend(case, clerk)
    assert case.suspensions.count() == 1


def test_a_case_waiting_for_materials_cannot_be_suspended(clerk, hall, item):
    waiting = intake(clerk, hall, item, Case.Kind.SUPPLEMENT, missing={"身份证明"})
    with pytest.raises(ValidationError) as exc_info:
        suspend(waiting, clerk)
    assert "cannot be suspended" in exc_info.value.messages[0]
    assert status_of(waiting) == S.AWAITING_SUPPLEMENT
    assert not waiting.suspensions.exists()


def test_suspending_for_another_reason_needs_a_description(clerk, case):
    with pytest.raises(ValidationError):
        suspension_start(case=case, actor=clerk, now=NOW, reason="other")
    with pytest.raises(ValidationError):
        suspension_start(case=case, actor=clerk, now=NOW, reason="holiday")
    assert status_of(case) == S.IN_PROGRESS


def test_a_suspended_case_can_be_resumed(clerk, case):
    suspend(case, clerk)
    suspension = suspension_end(case=case, actor=clerk, now=at(2026, 9, 30))
    assert status_of(case) == S.IN_PROGRESS
    assert suspension.ended_on == D(2026, 9, 30) and suspension.ended_by == clerk


def test_a_case_in_progress_cannot_be_resumed(clerk, case):
    with pytest.raises(ValidationError) as exc_info:
        suspension_end(case=case, actor=clerk, now=NOW)
    assert "cannot be resumed" in exc_info.value.messages[0]
    assert status_of(case) == S.IN_PROGRESS


def test_the_clerk_of_another_window_may_not_suspend_the_case(other_clerk, case):
    with pytest.raises(PermissionDenied):
        suspend(case, other_clerk)
    assert status_of(case) == S.IN_PROGRESS


# --- approval and pickup ---------------------------------------------------------------------


def test_a_case_in_progress_is_approved_and_then_picked_up(clerk, case):
    case_approve(case=case, actor=clerk, now=at(2026, 10, 12))
    assert status_of(case) == S.APPROVED
    assert case.completed_at == at(2026, 10, 12)
    case_pickup(case=case, actor=clerk, now=at(2026, 10, 13))
    assert status_of(case) == S.PICKED_UP
    assert case.picked_up_at == at(2026, 10, 13)


def test_a_suspended_case_cannot_be_approved(clerk, case):
    suspend(case, clerk)
    with pytest.raises(ValidationError) as exc_info:
        case_approve(case=case, actor=clerk, now=NOW)
    assert "cannot be approved" in exc_info.value.messages[0]
    assert status_of(case) == S.SUSPENDED


def test_an_approved_case_cannot_be_approved_again(clerk, case):
    case_approve(case=case, actor=clerk, now=at(2026, 10, 12))
    with pytest.raises(ValidationError):
        case_approve(case=case, actor=clerk, now=at(2026, 10, 13))
    case.refresh_from_db()
    assert case.completed_at == at(2026, 10, 12)


def test_a_case_waiting_for_materials_cannot_be_approved(clerk, hall, item):
    waiting = intake(clerk, hall, item, Case.Kind.SUPPLEMENT, missing={"身份证明"})
    with pytest.raises(ValidationError):
        case_approve(case=waiting, actor=clerk, now=NOW)
    assert status_of(waiting) == S.AWAITING_SUPPLEMENT


def test_a_case_in_progress_cannot_be_picked_up(clerk, case):
    with pytest.raises(ValidationError) as exc_info:
        case_pickup(case=case, actor=clerk, now=NOW)
    assert "cannot be picked up" in exc_info.value.messages[0]
    assert status_of(case) == S.IN_PROGRESS
    assert case.picked_up_at is None


def test_a_picked_up_case_cannot_be_picked_up_again(clerk, case):
    case_approve(case=case, actor=clerk, now=at(2026, 10, 12))
    case_pickup(case=case, actor=clerk, now=at(2026, 10, 13))
    with pytest.raises(ValidationError):
        case_pickup(case=case, actor=clerk, now=at(2026, 10, 14))
    case.refresh_from_db()
    assert case.picked_up_at == at(2026, 10, 13)


@pytest.mark.parametrize("persona", ["department_head", "supervisor", "inspector", "applicant"])
def test_only_the_windows_staff_may_approve_a_case(request, case, persona):
    with pytest.raises(PermissionDenied):
        case_approve(case=case, actor=request.getfixturevalue(persona), now=NOW)
    assert status_of(case) == S.IN_PROGRESS


# --- joint cases (R-CASE-8) --------------------------------------------------------------------


@pytest.fixture
def joint_case(clerk, hall, item):
    return intake(
        clerk, hall, item, parts=[PartInput(window=hall.other_window, description="消防安全核查")]
    )


def test_a_joint_case_gives_the_co_window_a_part_due_with_the_case(joint_case, hall):
    part = joint_case.parts.get()
    assert joint_case.is_joint
    assert part.window == hall.other_window
    assert part.due_date == D(2026, 10, 14) == joint_case.promised_due


def test_a_joint_case_cannot_be_approved_until_every_part_is_complete(
    clerk, other_clerk, joint_case
):
    with pytest.raises(ValidationError) as exc_info:
        case_approve(case=joint_case, actor=clerk, now=at(2026, 10, 9))
    assert exc_info.value.messages == ["Windows B01 have not completed their parts yet."]
    assert status_of(joint_case) == S.IN_PROGRESS

    part = part_complete(part=joint_case.parts.get(), actor=other_clerk, now=at(2026, 10, 9))
    assert part.completed_by == other_clerk and part.completed_at == at(2026, 10, 9)

    case_approve(case=joint_case, actor=clerk, now=at(2026, 10, 12))
    assert status_of(joint_case) == S.APPROVED


def test_the_lead_windows_clerk_may_not_complete_the_co_windows_part(clerk, joint_case):
    with pytest.raises(PermissionDenied):
        part_complete(part=joint_case.parts.get(), actor=clerk, now=at(2026, 10, 9))
    assert CasePart.objects.get().completed_at is None


def test_a_part_cannot_be_completed_twice(other_clerk, joint_case):
    part = joint_case.parts.get()
    part_complete(part=part, actor=other_clerk, now=at(2026, 10, 9))
    with pytest.raises(ValidationError):
        part_complete(part=part, actor=other_clerk, now=at(2026, 10, 12))
    part.refresh_from_db()
    assert part.completed_at == at(2026, 10, 9)


def test_a_part_of_a_suspended_case_cannot_be_completed(clerk, other_clerk, joint_case):
    suspend(joint_case, clerk)
    with pytest.raises(ValidationError):
        part_complete(part=joint_case.parts.get(), actor=other_clerk, now=at(2026, 10, 9))


def test_only_an_accepted_promised_case_can_be_joint(clerk, hall, item):
    with pytest.raises(ValidationError) as exc_info:
        intake(
            clerk,
            hall,
            item,
            Case.Kind.SUPPLEMENT,
            missing={"身份证明"},
            parts=[PartInput(window=hall.other_window, description="消防安全核查")],
        )
    assert exc_info.value.message_dict["parts"] == [
        "Only an accepted promised case can be handled jointly."
    ]
    assert not Case.objects.exists()


def test_the_lead_window_has_no_part_of_its_own(clerk, hall, item):
    with pytest.raises(ValidationError):
        intake(clerk, hall, item, parts=[PartInput(window=hall.window, description="自己")])
    assert not Case.objects.exists()


# --- refusal and its filing (R-CASE-4) ---------------------------------------------------------


def test_a_refusal_is_filed_for_review_within_2_working_days(clerk, case):
    # Refused Tue 9/29; 2 working days after: 9/30, (10/1-7 off), Thu 10/8.
    filing = refuse(case, clerk, applicant_unit="某某餐饮有限公司")
    assert status_of(case) == S.REFUSED
    assert case.completed_at == at(2026, 9, 29)
    assert filing.status == RejectionFiling.Status.PENDING
    assert filing.review_due == D(2026, 10, 8)
    assert filing.reason == RejectionFiling.Reason.UNLAWFUL
    assert (filing.clerk_name, filing.clerk_post, filing.clerk_phone) == (
        "王小明",
        "综合受理岗",
        "13900001111",
    )
    assert (filing.applicant_unit, filing.applicant_name, filing.applicant_phone) == (
        "某某餐饮有限公司",
        "赵大山",
        "13812345678",
    )
    kinds = list(case.notices.order_by("id").values_list("kind", flat=True))
    assert kinds[-2:] == [Notice.Kind.REJECTION, Notice.Kind.REJECTION_FILING]
    filing_notice = case.notices.get(kind=Notice.Kind.REJECTION_FILING)
    assert filing_notice.body["review_due"] == "2026-10-08"


@pytest.mark.parametrize(
    "field, value",
    [
        ("reason", "dislike"),
        ("reason", ""),
        ("detail", "  "),
        ("clerk_post", ""),
        ("clerk_phone", ""),
        ("clerk_phone", "1390000111"),
    ],
)
def test_a_refusal_without_the_filing_fields_is_refused(clerk, case, field, value):
    with pytest.raises(ValidationError) as exc_info:
        refuse(case, clerk, **{field: value})
    assert field in exc_info.value.message_dict
    assert status_of(case) == S.IN_PROGRESS
    assert not RejectionFiling.objects.exists()
    assert not case.notices.filter(kind=Notice.Kind.REJECTION).exists()


@pytest.mark.parametrize("reason", RejectionFiling.Reason.values)
def test_each_of_the_six_reasons_can_be_filed(clerk, case, reason):
    assert len(RejectionFiling.Reason.values) == 6
    assert refuse(case, clerk, reason=reason).reason == reason


def test_a_refused_case_cannot_be_refused_again(clerk, case):
    refuse(case, clerk)
    with pytest.raises(ValidationError):
        refuse(case, clerk, now=at(2026, 9, 30))
    assert RejectionFiling.objects.count() == 1
    assert case.notices.filter(kind=Notice.Kind.REJECTION).count() == 1


def test_a_suspended_case_cannot_be_refused(clerk, case):
    suspend(case, clerk)
    with pytest.raises(ValidationError):
        refuse(case, clerk)
    assert status_of(case) == S.SUSPENDED


@pytest.fixture
def filing(clerk, case):
    return refuse(case, clerk)


def review(filing, actor, uphold, now=REVIEWED_AT, opinion="理由充分"):
    return filing_review(filing=filing, actor=actor, now=now, uphold=uphold, opinion=opinion)


def test_the_clerk_may_not_review_the_refusal(clerk, filing):
    with pytest.raises(PermissionDenied):
        review(filing, clerk, uphold=False)
    filing.refresh_from_db()
    assert filing.status == RejectionFiling.Status.PENDING


def test_the_window_head_upholds_the_refusal_and_the_case_stays_refused(window_head, filing):
    review(filing, window_head, uphold=True)
    filing.refresh_from_db()
    assert filing.status == RejectionFiling.Status.UPHELD
    assert filing.reviewed_by == window_head and filing.reviewed_at == at(2026, 9, 30)
    assert filing.review_opinion == "理由充分"
    assert filing.correction_due is None
    assert status_of(filing.case) == S.REFUSED


def test_a_review_needs_an_opinion(window_head, filing):
    with pytest.raises(ValidationError):
        review(filing, window_head, uphold=True, opinion=" ")
    filing.refresh_from_db()
    assert filing.status == RejectionFiling.Status.PENDING


def test_an_overturned_refusal_reopens_the_case_due_for_correction_the_next_working_day(
    clerk, window_head, filing
):
    # Reviewed Fri 10/9; 1 working day after: Sat 10/10 (make-up working day).
    review(filing, window_head, uphold=False, now=at(2026, 10, 9), opinion="经营场所符合条件")
    filing.refresh_from_db()
    case = filing.case
    assert filing.status == RejectionFiling.Status.OVERTURNED
    assert filing.correction_due == D(2026, 10, 10)
    assert status_of(case) == S.IN_PROGRESS
    assert case.completed_at is None

    # The clerk completes the case: the filing is marked corrected.
    case_approve(case=case, actor=clerk, now=at(2026, 10, 10, 11))
    filing.refresh_from_db()
    assert filing.status == RejectionFiling.Status.CORRECTED
    assert filing.corrected_at == at(2026, 10, 10, 11)
    assert status_of(case) == S.APPROVED


def test_a_reopened_case_cannot_be_refused_a_second_time(clerk, window_head, filing):
    review(filing, window_head, uphold=False)
    with pytest.raises(ValidationError) as exc_info:
        refuse(filing.case, clerk, now=at(2026, 10, 8))
    assert exc_info.value.messages == ["This case was refused once already."]
    assert status_of(filing.case) == S.IN_PROGRESS


@pytest.mark.parametrize("first", [True, False], ids=["upheld", "overturned"])
def test_a_filing_cannot_be_reviewed_twice(window_head, filing, first):
    review(filing, window_head, uphold=first)
    with pytest.raises(ValidationError) as exc_info:
        review(filing, window_head, uphold=not first, now=at(2026, 10, 8))
    assert exc_info.value.messages == ["This filing was already reviewed."]
    filing.refresh_from_db()
    assert filing.reviewed_at == at(2026, 9, 30)


# --- who did it, on whose post (R-ORG-6) ----------------------------------------------------


@pytest.fixture
def post_holder(hall):
    """The A holder of the post the acting user stands in for."""
    return UserFactory(username="holder_a", first_name="A岗", roles=[Role.CLERK])


def _intake(ctx):
    return intake(ctx["clerk"], ctx["hall"], ctx["item"], acting_for=ctx["for"]), ctx["clerk"]


def _suspend(ctx):
    case = ctx["case"]()
    suspend(case, ctx["clerk"], acting_for=ctx["for"])
    return case, ctx["clerk"]


def _resume(ctx):
    case = ctx["case"]()
    suspend(case, ctx["clerk"])
    suspension_end(case=case, actor=ctx["window_head"], now=at(2026, 9, 30), acting_for=ctx["for"])
    return case, ctx["window_head"]


def _extend(ctx):
    case = ctx["case"]()
    extension = extension_request(case=case, actor=ctx["clerk"], now=NOW, days=3, reason="核查")
    extension_decide(
        extension=extension, actor=ctx["window_head"], now=NOW, approve=True, acting_for=ctx["for"]
    )
    return case, ctx["window_head"]


def _approve(ctx):
    case = ctx["case"]()
    case_approve(case=case, actor=ctx["clerk"], now=at(2026, 10, 9), acting_for=ctx["for"])
    return case, ctx["clerk"]


def _pickup(ctx):
    case = ctx["case"]()
    case_approve(case=case, actor=ctx["clerk"], now=at(2026, 10, 9))
    case_pickup(case=case, actor=ctx["window_head"], now=at(2026, 10, 10), acting_for=ctx["for"])
    return case, ctx["window_head"]


def _refuse(ctx):
    case = ctx["case"]()
    refuse(case, ctx["clerk"], acting_for=ctx["for"])
    return case, ctx["clerk"]


def _overturn(ctx):
    case = ctx["case"]()
    filing = refuse(case, ctx["clerk"])
    filing_review(
        filing=filing,
        actor=ctx["window_head"],
        now=at(2026, 9, 30),
        uphold=False,
        opinion="有误",
        acting_for=ctx["for"],
    )
    return case, ctx["window_head"]


def _supplement_notice(ctx):
    case = intake(
        ctx["clerk"], ctx["hall"], ctx["item"], Case.Kind.SUPPLEMENT, missing={"身份证明"}
    )
    wanted = ctx["item"].materials.get(name="身份证明")
    supplement_notice_issue(
        case=case,
        actor=ctx["window_head"],
        now=at(2026, 9, 29),
        missing=[
            MaterialInput(name="身份证明", item_material_id=wanted.pk, missing_reason="需原件")
        ],
        acting_for=ctx["for"],
    )
    return case, ctx["window_head"]


def _supplement_receive(ctx):
    case = intake(
        ctx["clerk"], ctx["hall"], ctx["item"], Case.Kind.SUPPLEMENT, missing={"身份证明"}
    )
    pk = case.materials.get(received=False).pk
    supplement_receive(
        case=case,
        actor=ctx["window_head"],
        now=at(2026, 9, 29),
        pages={pk: 1},
        acting_for=ctx["for"],
    )
    return case, ctx["window_head"]


ACTIONS = [
    _intake,
    _suspend,
    _resume,
    _extend,
    _approve,
    _pickup,
    _refuse,
    _overturn,
    _supplement_notice,
    _supplement_receive,
]


@pytest.mark.parametrize("action", ACTIONS, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("on_behalf", [True, False], ids=["acting-for", "own-post"])
def test_every_action_records_who_did_it_and_on_whose_post(
    clerk, window_head, hall, item, post_holder, action, on_behalf
):
    ctx = {
        "clerk": clerk,
        "window_head": window_head,
        "hall": hall,
        "item": item,
        "for": post_holder if on_behalf else None,
        "case": lambda: intake(clerk, hall, item),
    }
    case, actor = action(ctx)
    latest = case.history.latest()
    assert latest.history_user == actor
    assert latest.acting_for == (post_holder if on_behalf else None)
    case.refresh_from_db()
    assert case.acting_for == (post_holder if on_behalf else None)
