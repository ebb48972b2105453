"""First inquiries and taking in a case (R-FIRST-1, R-CASE-1..3, N-1 art. 32, R-ACC-4.2).

Every date is on the real 2026 calendar seeded by migration hall/0002: 2026-10-01..07
are the National Day holidays, 2026-09-20 (Sunday) and 2026-10-10 (Saturday) are
make-up working days, 2026-09-25 is the Mid-autumn holiday. Expected due dates are
counted by hand in the comments, never computed by the code under test.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from accountability.models import Occurrence
from cases.models import Case, CaseMaterial, CaseSequence, FirstInquiry, Notice
from cases.services import (
    ApplicantInput,
    MaterialInput,
    case_intake,
    inquiry_record,
    supplement_notice_issue,
    supplement_receive,
)
from cases.services.intake import notice_integrity_check
from hall.roles import Role
from tests.factories import MaterialFactory, ServiceItemFactory, StaffMemberFactory, UserFactory
from windows.models import ServiceItem

pytestmark = pytest.mark.django_db

D = dt.date
K = Case.Kind
S = Case.Status
DISP = FirstInquiry.Disposition

VALID_ID = "11010519491231002X"  # GB 11643-1999's own example
VALID_CREDIT_CODE = "91350100M000100Y43"  # GB 32100-2015's own example
MOBILE = "13812345678"


def at(year, month, day, hour=10, minute=0) -> dt.datetime:
    """An aware datetime in the hall's time zone (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


NOW = at(2026, 9, 28)  # a Monday, a working day


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their source language."""
    with translation.override("en"):
        yield


@pytest.fixture
def item(hall):
    """A promised item of the clerk's department: 20 statutory, 8 promised working days."""
    item = ServiceItemFactory(
        department=hall.department,
        name="食品经营许可",
        kind=ServiceItem.Kind.PROMISED,
        statutory_limit_days=20,
        promised_limit_days=8,
    )
    MaterialFactory(item=item, name="食品经营许可申请书", order=1)
    MaterialFactory(item=item, name="营业执照复印件", order=2)
    MaterialFactory(item=item, name="食品安全管理制度", order=3)
    return item


@pytest.fixture
def immediate_item(hall):
    item = ServiceItemFactory(
        department=hall.department,
        name="个体工商户名称变更登记",
        kind=ServiceItem.Kind.IMMEDIATE,
        statutory_limit_days=5,
        promised_limit_days=0,
    )
    MaterialFactory(item=item, name="变更登记申请书")
    return item


def person(**changes) -> ApplicantInput:
    values = {
        "kind": Case.ApplicantKind.PERSON,
        "name": "赵大山",
        "id_type": Case.IdType.RESIDENT_ID,
        "id_number": VALID_ID,
        "phone": MOBILE,
    }
    values.update(changes)
    return ApplicantInput(**values)


def got(material, pages=2) -> MaterialInput:
    return MaterialInput(
        name=material.name, item_material_id=material.pk, received=True, pages=pages
    )


def lacking(material, reason="缺少法定代表人签字") -> MaterialInput:
    return MaterialInput(name=material.name, item_material_id=material.pk, missing_reason=reason)


def materials_of(item):
    return list(item.materials.order_by("order", "id"))


def intake(actor, window, item, kind, materials=(), now=NOW, applicant=None, **kwargs) -> Case:
    return case_intake(
        actor=actor,
        window=window,
        item=item,
        kind=kind,
        applicant=applicant or person(),
        materials=list(materials),
        now=now,
        **kwargs,
    )


def errors_of(exc_info) -> dict:
    return exc_info.value.message_dict


def kinds_of(case) -> list[str]:
    return list(case.notices.order_by("id").values_list("kind", flat=True))


# --- R-FIRST-1: the first person asked records the inquiry ------------------------------


def record(actor, window, disposition, **kwargs) -> FirstInquiry:
    return inquiry_record(
        actor=actor,
        window=window,
        now=NOW,
        channel="in_person",
        subject="开办餐饮店需要什么材料",
        disposition=disposition,
        **kwargs,
    )


def test_a_clerk_records_an_inquiry_answered_at_the_window(clerk, hall):
    inquiry = record(clerk, hall.window, DISP.ANSWERED)
    inquiry.refresh_from_db()
    assert inquiry.received_by == clerk
    assert inquiry.window == hall.window
    assert inquiry.received_at == NOW
    assert inquiry.disposition == DISP.ANSWERED
    assert inquiry.history.latest().history_user == clerk


def test_an_inquiry_referred_to_a_colleague_names_the_colleague(clerk, window_head, hall):
    inquiry = record(clerk, hall.window, DISP.COLLEAGUE, referred_to_user=window_head)
    assert inquiry.referred_to_user == window_head


def test_an_inquiry_referred_to_a_colleague_without_naming_one_is_refused(clerk, hall):
    with pytest.raises(ValidationError) as exc_info:
        record(clerk, hall.window, DISP.COLLEAGUE)
    assert errors_of(exc_info)["referred_to_user"] == ["Name the colleague it was referred to."]
    assert FirstInquiry.objects.count() == 0


def test_an_inquiry_referred_to_another_window_names_that_window(clerk, hall):
    inquiry = record(clerk, hall.window, DISP.WINDOW, referred_to_window=hall.other_window)
    assert inquiry.referred_to_window == hall.other_window


def test_an_inquiry_referred_to_another_window_without_naming_one_is_refused(clerk, hall):
    with pytest.raises(ValidationError) as exc_info:
        record(clerk, hall.window, DISP.WINDOW)
    assert "referred_to_window" in errors_of(exc_info)
    assert FirstInquiry.objects.count() == 0


def test_an_inquiry_cannot_be_referred_to_the_clerks_own_window(clerk, hall):
    # R-FIRST-1: "not this window" means another window.
    with pytest.raises(ValidationError) as exc_info:
        record(clerk, hall.window, DISP.WINDOW, referred_to_window=hall.window)
    assert errors_of(exc_info)["referred_to_window"] == [
        "Refer it to another window than your own."
    ]
    assert FirstInquiry.objects.count() == 0


def test_an_inquiry_not_for_this_hall_names_the_department_and_its_contact(clerk, hall):
    inquiry = record(
        clerk,
        hall.window,
        DISP.NOT_THIS_HALL,
        other_department="市不动产登记中心",
        other_contact="0731-8888 1234",
    )
    assert (inquiry.other_department, inquiry.other_contact) == (
        "市不动产登记中心",
        "0731-8888 1234",
    )


@pytest.mark.parametrize(
    "department, contact", [("市不动产登记中心", ""), ("", "0731-8888 1234"), (" ", " ")]
)
def test_an_inquiry_not_for_this_hall_needs_both_the_department_and_its_contact(
    clerk, hall, department, contact
):
    # R-FIRST-1: explain and name the right department *and* its contact.
    with pytest.raises(ValidationError) as exc_info:
        record(
            clerk,
            hall.window,
            DISP.NOT_THIS_HALL,
            other_department=department,
            other_contact=contact,
        )
    assert errors_of(exc_info)["other_department"] == [
        "Give the responsible department and its contact."
    ]
    assert FirstInquiry.objects.count() == 0


def test_a_report_is_recorded_with_the_reporters_name_and_phone(clerk, hall):
    inquiry = record(
        clerk, hall.window, DISP.REPORT, inquirer_name="钱举报", inquirer_phone="138 1234 5678"
    )
    assert (inquiry.inquirer_name, inquiry.inquirer_phone) == ("钱举报", MOBILE)


@pytest.mark.parametrize("name, phone", [("钱举报", ""), ("", MOBILE), ("", "")])
def test_a_report_without_the_reporters_name_and_phone_is_refused(clerk, hall, name, phone):
    # R-FIRST-1: reports and complaints are recorded with the reporter's name and phone.
    with pytest.raises(ValidationError) as exc_info:
        record(clerk, hall.window, DISP.REPORT, inquirer_name=name, inquirer_phone=phone)
    assert errors_of(exc_info)["inquirer_name"] == [
        "A report or complaint needs the reporter's name and phone."
    ]
    assert FirstInquiry.objects.count() == 0


def test_an_inquiry_with_an_unknown_disposition_is_refused(clerk, hall):
    with pytest.raises(ValidationError):
        record(clerk, hall.window, "lost")
    assert FirstInquiry.objects.count() == 0


def test_a_clerk_of_another_window_may_not_record_an_inquiry_for_this_window(hall):
    other_clerk = StaffMemberFactory(
        user=UserFactory(username="clerk_b", roles=[Role.CLERK]),
        window=hall.other_window,
        department=hall.other_department,
    ).user
    with pytest.raises(PermissionDenied):
        record(other_clerk, hall.window, DISP.ANSWERED)
    assert FirstInquiry.objects.count() == 0


def test_the_clerk_may_not_record_an_inquiry_for_another_window(clerk, hall):
    with pytest.raises(PermissionDenied):
        record(clerk, hall.other_window, DISP.ANSWERED)


@pytest.mark.parametrize(
    "persona", ["department_head", "supervisor", "inspector", "applicant", "outsider"]
)
def test_people_who_do_not_work_at_the_window_may_not_record_an_inquiry(request, hall, persona):
    # R-FIRST-1 is a window clerk's duty; the department head reads, the supervisor
    # patrols, the inspector handles complaints, the applicant is the public.
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        record(user, hall.window, DISP.ANSWERED)
    assert FirstInquiry.objects.count() == 0


def test_the_window_head_may_record_an_inquiry_at_the_window(window_head, hall):
    assert record(window_head, hall.window, DISP.ANSWERED).received_by == window_head


# --- R-CASE-1: the four kinds -------------------------------------------------------------


def test_a_consultation_gives_a_one_time_notice_with_every_material_of_the_item(clerk, hall, item):
    # R-CASE-3: in writing, all required materials, basis, conditions, process, limits, fees.
    case = intake(clerk, hall.window, item, K.CONSULTATION)
    assert case.status == S.CONSULTED
    assert case.accepted_on is None and case.promised_due is None
    assert kinds_of(case) == [Notice.Kind.ONE_TIME]
    body = case.notices.get().body
    assert [m["name"] for m in body["materials"]] == [
        "食品经营许可申请书",
        "营业执照复印件",
        "食品安全管理制度",
    ]
    assert body["legal_basis"] == item.legal_basis
    assert body["statutory_limit_days"] == 20
    assert body["promised_limit_days"] == 8
    assert body["fee_standard"] == item.fee_standard


def test_a_consultation_does_not_need_the_applicants_id_number(clerk, hall, item):
    case = intake(clerk, hall.window, item, K.CONSULTATION, applicant=person(id_number=""))
    assert case.status == S.CONSULTED


def test_a_supplement_case_lists_every_missing_material_with_its_reason(clerk, hall, item):
    # R-CASE-1: the supplement notice lists *all* missing items at once.
    form, licence, rules = materials_of(item)
    case = intake(
        clerk,
        hall.window,
        item,
        K.SUPPLEMENT,
        [got(form), lacking(licence, "复印件不清晰"), lacking(rules, "未提交")],
    )
    assert case.status == S.AWAITING_SUPPLEMENT
    assert case.accepted_on is None and case.promised_due is None
    assert kinds_of(case) == [Notice.Kind.SUPPLEMENT]
    missing = case.notices.get().body["missing"]
    assert missing == [
        {"id": licence.pk, "name": "营业执照复印件", "reason": "复印件不清晰"},
        {"id": rules.pk, "name": "食品安全管理制度", "reason": "未提交"},
    ]
    assert list(case.materials.values_list("name", "received", "pages")) == [
        ("食品经营许可申请书", True, 2),
        ("营业执照复印件", False, 0),
        ("食品安全管理制度", False, 0),
    ]


def test_a_returned_case_gives_its_written_reasons(clerk, hall, item):
    case = intake(clerk, hall.window, item, K.RETURNED, returned_reasons="经营场所不符合要求")
    assert case.status == S.RETURNED
    assert case.returned_reasons == "经营场所不符合要求"
    assert kinds_of(case) == [Notice.Kind.RETURN]
    assert case.notices.get().body == {"reasons": "经营场所不符合要求"}


def test_a_returned_case_without_reasons_is_refused(clerk, hall, item):
    with pytest.raises(ValidationError) as exc_info:
        intake(clerk, hall.window, item, K.RETURNED, returned_reasons="  ")
    assert errors_of(exc_info)["returned_reasons"] == [
        "Write the reasons for returning the application."
    ]
    assert Case.objects.count() == 0


def test_an_accepted_promised_case_is_in_progress_with_acceptance_notice_and_receipt(
    clerk, hall, item
):
    # R-CASE-1, R-CASE-2. Accepted Mon 2026-09-28; 8 working days after it:
    # 9/29, 9/30, (10/1-7 off), 10/8, 10/9, 10/10 (Sat, make-up), 10/12, 10/13, 10/14.
    case = intake(clerk, hall.window, item, K.ACCEPTED, [got(m, 3) for m in materials_of(item)])
    assert case.status == S.IN_PROGRESS
    assert case.accepted_on == D(2026, 9, 28)
    assert case.promised_due == D(2026, 10, 14)
    assert case.statutory_due == D(2026, 10, 30)
    assert kinds_of(case) == [Notice.Kind.ACCEPTANCE, Notice.Kind.RECEIPT]
    acceptance = case.notices.get(kind=Notice.Kind.ACCEPTANCE).body
    assert acceptance["promised_due"] == "2026-10-14"
    receipt = case.notices.get(kind=Notice.Kind.RECEIPT).body
    assert receipt["materials"] == [
        {"name": "食品经营许可申请书", "pages": 3},
        {"name": "营业执照复印件", "pages": 3},
        {"name": "食品安全管理制度", "pages": 3},
    ]
    assert receipt["pickup_on"] == "2026-10-14"


def test_an_accepted_immediate_case_is_done_and_handed_over_on_the_spot(
    clerk, hall, immediate_item
):
    # R-CASE-1: 即办件 — done on the spot; R-CASE-2: still a receipt.
    case = intake(
        clerk,
        hall.window,
        immediate_item,
        K.ACCEPTED,
        [got(m) for m in materials_of(immediate_item)],
    )
    assert case.status == S.PICKED_UP
    assert case.completed_at == NOW and case.picked_up_at == NOW
    assert not case.is_open
    assert kinds_of(case) == [Notice.Kind.RECEIPT]


# --- R-CASE-1: what intake refuses ------------------------------------------------------


def test_an_accepted_case_with_a_required_material_missing_is_refused(clerk, hall, item):
    form, licence, rules = materials_of(item)
    with pytest.raises(ValidationError) as exc_info:
        intake(clerk, hall.window, item, K.ACCEPTED, [got(form), got(licence)])
    assert errors_of(exc_info)["materials"] == [
        "Not every required material was received (食品安全管理制度): "
        "take it in as a supplement case."
    ]
    assert Case.objects.count() == 0


def test_a_supplement_case_with_no_missing_material_is_refused(clerk, hall, item):
    with pytest.raises(ValidationError) as exc_info:
        intake(clerk, hall.window, item, K.SUPPLEMENT, [got(m) for m in materials_of(item)])
    assert errors_of(exc_info)["materials"] == [
        "A supplement case lists at least one missing material."
    ]
    assert Case.objects.count() == 0


def test_a_supplement_case_with_a_missing_material_but_no_reason_is_refused(clerk, hall, item):
    form, licence, rules = materials_of(item)
    with pytest.raises(ValidationError) as exc_info:
        intake(
            clerk,
            hall.window,
            item,
            K.SUPPLEMENT,
            [got(form), lacking(licence), lacking(rules, reason=" ")],
        )
    assert errors_of(exc_info)["materials"] == [
        "Say why 食品安全管理制度 is needed or what is wrong with it."
    ]
    assert Case.objects.count() == 0


def test_an_item_of_another_department_is_refused(clerk, hall):
    foreign = ServiceItemFactory(department=hall.other_department, name="户口迁移")
    with pytest.raises(ValidationError) as exc_info:
        intake(clerk, hall.window, foreign, K.CONSULTATION)
    assert errors_of(exc_info)["item"] == ["户口迁移 is not handled at window A01."]
    assert Case.objects.count() == 0


def test_a_received_material_with_zero_pages_is_refused(clerk, hall, item):
    # R-CASE-2: the receipt lists each material with its page count.
    form, licence, rules = materials_of(item)
    with pytest.raises(ValidationError) as exc_info:
        intake(clerk, hall.window, item, K.ACCEPTED, [got(form), got(licence, 0), got(rules)])
    assert errors_of(exc_info)["materials"] == ["Give the page count of 营业执照复印件."]
    assert Case.objects.count() == 0


def test_materials_received_in_the_future_are_refused(clerk, hall, item):
    with pytest.raises(ValidationError) as exc_info:
        intake(
            clerk,
            hall.window,
            item,
            K.ACCEPTED,
            [got(m) for m in materials_of(item)],
            received_at=NOW + dt.timedelta(minutes=1),
        )
    assert errors_of(exc_info)["received_at"] == ["The materials cannot arrive in the future."]
    assert Case.objects.count() == 0


def test_a_clerk_may_not_take_in_a_case_at_another_window(clerk, hall):
    foreign = ServiceItemFactory(department=hall.other_department)
    with pytest.raises(PermissionDenied):
        intake(clerk, hall.other_window, foreign, K.CONSULTATION)
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    "applicant, field, message",
    [
        pytest.param(
            person(id_number="110105194912310021"),
            "id_number",
            "The check digit should be X, not 1.",
            id="resident-id-check-digit",
        ),
        pytest.param(
            person(
                kind=Case.ApplicantKind.ORGANISATION,
                name="某某餐饮有限公司",
                id_type=Case.IdType.CREDIT_CODE,
                id_number="91350100M000100Y44",
            ),
            "id_number",
            "The check character should be 3, not 4.",
            id="credit-code-check-character",
        ),
        pytest.param(
            person(kind=Case.ApplicantKind.ORGANISATION, name="某某餐饮有限公司"),
            "id_type",
            "An organisation is identified by its unified social credit code.",
            id="organisation-with-resident-id",
        ),
        pytest.param(
            person(phone="1381234567"),
            "phone",
            "A mobile number must be 11 digits; this one has 10.",
            id="mobile-of-10-digits",
        ),
    ],
)
def test_an_invalid_applicant_is_refused_naming_the_rule_and_nothing_is_saved(
    clerk, hall, item, applicant, field, message
):
    before = Case.objects.count()
    with pytest.raises(ValidationError) as exc_info:
        intake(
            clerk,
            hall.window,
            item,
            K.ACCEPTED,
            [got(m) for m in materials_of(item)],
            applicant=applicant,
        )
    assert message in errors_of(exc_info)[field]
    assert Case.objects.count() == before
    assert Notice.objects.count() == 0 and CaseMaterial.objects.count() == 0
    assert not CaseSequence.objects.filter(last__gt=0).exists()  # no number was used up


def test_an_organisation_with_a_valid_credit_code_is_taken_in(clerk, hall, item):
    applicant = person(
        kind=Case.ApplicantKind.ORGANISATION,
        name="某某餐饮有限公司",
        id_type=Case.IdType.CREDIT_CODE,
        id_number="91350100m000100y43",
    )
    case = intake(clerk, hall.window, item, K.CONSULTATION, applicant=applicant)
    assert case.id_number == VALID_CREDIT_CODE  # normalised to upper case


# --- R-FIRST-1 → R-CASE-1: an inquiry that becomes a case --------------------------------


def test_an_inquiry_that_becomes_a_case_keeps_the_link_and_its_disposition_says_so(
    clerk, hall, item
):
    inquiry = record(clerk, hall.window, DISP.ANSWERED)
    case = intake(clerk, hall.window, item, K.CONSULTATION, inquiry=inquiry)
    inquiry.refresh_from_db()
    assert inquiry.case == case
    assert inquiry.disposition == DISP.CASE
    assert Case.objects.get().inquiry == inquiry


# --- supplement_receive: the applicant comes back ----------------------------------------


@pytest.fixture
def waiting_case(clerk, hall, item):
    """A supplement case taken in on Mon 2026-09-28, the notice given at once."""
    form, licence, rules = materials_of(item)
    return intake(
        clerk,
        hall.window,
        item,
        K.SUPPLEMENT,
        [got(form), lacking(licence, "复印件不清晰"), lacking(rules, "未提交")],
    )


def waiting_ids(case) -> dict[str, int]:
    return dict(case.materials.filter(received=False).values_list("name", "pk"))


def test_materials_arriving_in_part_are_ticked_and_the_case_keeps_waiting(clerk, waiting_case):
    ids = waiting_ids(waiting_case)
    case = supplement_receive(
        case=waiting_case, actor=clerk, now=at(2026, 10, 9), pages={ids["营业执照复印件"]: 4}
    )
    case.refresh_from_db()
    licence = case.materials.get(name="营业执照复印件")
    assert (licence.received, licence.pages, licence.received_at) == (True, 4, at(2026, 10, 9))
    assert case.status == S.AWAITING_SUPPLEMENT
    assert case.accepted_on is None and case.promised_due is None
    assert kinds_of(case) == [Notice.Kind.SUPPLEMENT]


def test_when_the_last_material_arrives_the_case_is_accepted_from_that_day(clerk, waiting_case):
    # Arrived Fri 2026-10-09. 8 working days after it: 10/10 (Sat, make-up), 10/12, 10/13,
    # 10/14, 10/15, 10/16, 10/19, 10/20. 20 after it: …10/30 is the 16th, 11/2, 11/3,
    # 11/4, 11/5.
    ids = waiting_ids(waiting_case)
    case = supplement_receive(
        case=waiting_case,
        actor=clerk,
        now=at(2026, 10, 9),
        pages={ids["营业执照复印件"]: 4, ids["食品安全管理制度"]: 6},
    )
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS
    assert case.accepted_on == D(2026, 10, 9)
    assert case.promised_due == D(2026, 10, 20)
    assert case.statutory_due == D(2026, 11, 5)
    assert not case.materials.filter(received=False).exists()
    assert kinds_of(case) == [Notice.Kind.SUPPLEMENT, Notice.Kind.ACCEPTANCE, Notice.Kind.RECEIPT]
    receipt = case.notices.get(kind=Notice.Kind.RECEIPT).body
    assert sorted((m["name"], m["pages"]) for m in receipt["materials"]) == [
        ("营业执照复印件", 4),
        ("食品安全管理制度", 6),
        ("食品经营许可申请书", 2),
    ]


def test_receiving_materials_with_zero_pages_or_none_ticked_is_refused(clerk, waiting_case):
    ids = waiting_ids(waiting_case)
    with pytest.raises(ValidationError):
        supplement_receive(case=waiting_case, actor=clerk, now=at(2026, 10, 9), pages={})
    with pytest.raises(ValidationError):
        supplement_receive(
            case=waiting_case, actor=clerk, now=at(2026, 10, 9), pages={ids["营业执照复印件"]: 0}
        )
    assert waiting_case.materials.filter(received=False).count() == 2


# --- N-1 art. 32: a supplement notice given more than 5 working days late ----------------


def test_a_supplement_notice_6_working_days_late_accepts_the_case_on_the_day_it_arrived(
    clerk, hall, item
):
    # Received Fri 2026-09-18, notice Mon 2026-09-28: 9/20 (Sun, make-up), 9/21, 9/22,
    # 9/23, 9/24, (9/25 Mid-autumn), 9/28 → 6 working days, more than 5.
    # From 9/18: 8 working days → 9/20, 21, 22, 23, 24, 28, 29, 30 = 2026-09-30;
    # 20 → …9/30 is the 8th, 10/8, 9, 10, 12, 13, 14, 15, 16, 19, 20, 21, 22 = 2026-10-22.
    form, licence, rules = materials_of(item)
    case = intake(
        clerk,
        hall.window,
        item,
        K.SUPPLEMENT,
        [got(form), got(licence), lacking(rules)],
        received_at=at(2026, 9, 18),
    )
    assert case.status == S.AWAITING_SUPPLEMENT
    assert case.accepted_on == D(2026, 9, 18)
    assert case.promised_due == D(2026, 9, 30)
    assert case.statutory_due == D(2026, 10, 22)

    rules_id = case.materials.get(received=False).pk
    case = supplement_receive(case=case, actor=clerk, now=at(2026, 10, 9), pages={rules_id: 5})
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS
    assert case.accepted_on == D(2026, 9, 18)  # not the day the materials arrived
    assert case.promised_due == D(2026, 9, 30)
    assert case.statutory_due == D(2026, 10, 22)


def test_a_supplement_notice_10_working_days_late_counts_from_the_arrival_day(clerk, hall, item):
    # Received Mon 2026-09-14, notice 2026-09-28: 10 working days late.
    # From 9/14: 8 working days → 9/15, 16, 17, 18, 20, 21, 22, 23 = 2026-09-23;
    # 20 → …9/23 is the 8th, 9/24, 28, 29, 30, 10/8, 9, 10, 12, 13, 14, 15, 16 = 2026-10-16.
    form, licence, rules = materials_of(item)
    case = intake(
        clerk,
        hall.window,
        item,
        K.SUPPLEMENT,
        [got(form), got(licence), lacking(rules)],
        received_at=at(2026, 9, 14),
    )
    assert (case.accepted_on, case.promised_due, case.statutory_due) == (
        D(2026, 9, 14),
        D(2026, 9, 23),
        D(2026, 10, 16),
    )


@pytest.mark.parametrize(
    "received_on",
    [
        pytest.param(D(2026, 9, 28), id="same-day"),
        pytest.param(D(2026, 9, 21), id="4-working-days"),
        # 9/21, 22, 23, 24, 28: exactly 5 working days after Sun 9/20 is still in time.
        pytest.param(D(2026, 9, 20), id="exactly-5-working-days"),
    ],
)
def test_a_supplement_notice_within_5_working_days_does_not_start_the_clock(
    clerk, hall, item, received_on
):
    form, licence, rules = materials_of(item)
    case = intake(
        clerk,
        hall.window,
        item,
        K.SUPPLEMENT,
        [got(form), got(licence), lacking(rules)],
        received_at=timezone.make_aware(dt.datetime.combine(received_on, dt.time(9, 0))),
    )
    assert case.accepted_on is None
    assert case.promised_due is None and case.statutory_due is None

    rules_id = case.materials.get(received=False).pk
    case = supplement_receive(case=case, actor=clerk, now=at(2026, 10, 9), pages={rules_id: 5})
    assert case.accepted_on == D(2026, 10, 9)
    assert case.promised_due == D(2026, 10, 20)


# --- R-CASE-3, R-ACC-4.2: one-time notice integrity ---------------------------------------


@pytest.fixture
def first_notice_case(clerk, hall, item):
    """First supplement notice names only the licence copy; the rules were taken as
    received, so the notice never mentioned them."""
    form, licence, rules = materials_of(item)
    return intake(clerk, hall.window, item, K.SUPPLEMENT, [got(form), lacking(licence), got(rules)])


def test_a_supplement_case_must_account_for_every_required_material(clerk, hall, item):
    # R-CASE-3: the supplement notice lists *all* missing items; a material left out of
    # the intake entirely is neither received nor named.
    form, licence, _rules = materials_of(item)
    with pytest.raises(ValidationError) as exc_info, translation.override("en"):
        intake(clerk, hall.window, item, K.SUPPLEMENT, [got(form), lacking(licence)])
    assert "every required material" in str(errors_of(exc_info)["materials"])
    assert Case.objects.count() == 0


def second_notice(case, actor, missing) -> Notice:
    return supplement_notice_issue(case=case, actor=actor, now=at(2026, 9, 30), missing=missing)


def test_a_second_notice_naming_a_material_the_first_could_have_named_records_a_violation(
    clerk, window_head, hall, item, first_notice_case
):
    rules = item.materials.get(name="食品安全管理制度")
    first = first_notice_case.notices.get(kind=Notice.Kind.SUPPLEMENT)

    notice = second_notice(first_notice_case, window_head, [lacking(rules, "未提交")])

    occurrence = Occurrence.objects.get()
    assert occurrence.rule == "R-ACC-4.2"
    assert occurrence.source == notice
    assert occurrence.window == hall.window
    assert occurrence.person == clerk == first.issued_by  # not the second notice's issuer
    assert occurrence.occurred_at == notice.issued_at
    assert "食品安全管理制度" in occurrence.detail


def test_checking_the_same_notice_again_records_nothing_new(window_head, item, first_notice_case):
    rules = item.materials.get(name="食品安全管理制度")
    notice = second_notice(first_notice_case, window_head, [lacking(rules, "未提交")])
    assert Occurrence.objects.count() == 1

    assert notice_integrity_check(notice) is True  # it still breaks the rule …
    assert Occurrence.objects.count() == 1  # … but it is recorded once


def test_a_second_notice_naming_only_what_the_first_named_records_nothing(
    window_head, item, first_notice_case
):
    licence = item.materials.get(name="营业执照复印件")
    notice = second_notice(first_notice_case, window_head, [lacking(licence, "仍不清晰")])
    assert notice.kind == Notice.Kind.SUPPLEMENT
    assert first_notice_case.notices.filter(kind=Notice.Kind.SUPPLEMENT).count() == 2
    assert Occurrence.objects.count() == 0


def test_a_material_added_to_the_item_after_the_first_notice_records_nothing(
    window_head, item, first_notice_case
):
    # The first notice could not have named what the item did not require yet.
    added = MaterialFactory(item=item, name="从业人员健康证明", order=4)
    second_notice(first_notice_case, window_head, [lacking(added, "新增要求")])
    assert Occurrence.objects.count() == 0
    assert first_notice_case.materials.filter(name="从业人员健康证明", received=False).exists()


def test_another_supplement_notice_needs_each_material_with_its_reason(
    clerk, item, first_notice_case
):
    rules = item.materials.get(name="食品安全管理制度")
    with pytest.raises(ValidationError):
        second_notice(first_notice_case, clerk, [])
    with pytest.raises(ValidationError):
        second_notice(first_notice_case, clerk, [lacking(rules, " ")])
    assert first_notice_case.notices.count() == 1
    assert Occurrence.objects.count() == 0
