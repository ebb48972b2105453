"""Every public form and every form a window clerk posts, fuzzed with hypothesis.

Each example sends random and hostile input (10,000+ characters, control characters,
markup, SQL, wrong numbers and dates, missing, extra and duplicated fields) in a
savepoint that is rolled back, and checks (fuzz_support.send) that it never ends in a
server error, never saves part of a submission, and never echoes markup unescaped.
A form that accepts the input must leave whole, consistent records: each form's
`accepted` check below says what that means for it.

Beside the random examples, every form first sends its valid submission (which must
be accepted, so the checks of a whole record run) and then its fixed hostile examples
(Form.explicit): each text attack in all its text fields at once; a NUL, 10,000
characters, a wrong number or a malformed date in each field of its kind with the rest
valid; every field duplicated; an empty form; extra fields.

The suite runs the same examples each time; HALL_FUZZ_RANDOM=1 draws new ones.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accountability.models import Occurrence
from accountability.services import occurrence_record
from cases.models import (
    CardAppeal,
    Case,
    CaseMaterial,
    CasePart,
    CaseSequence,
    Extension,
    FirstInquiry,
    Notice,
    RejectionFiling,
    Suspension,
)
from cases.services import (
    ApplicantInput,
    MaterialInput,
    PartInput,
    case_approve,
    case_intake,
    case_pickup,
    case_refuse,
    extension_request,
    inquiry_record,
    suspension_start,
)
from complaints.models import Complaint, Rating, RatingTablet, Rectification
from complaints.ratings import BAD_REASONS, GOOD_REASONS, tablet_issue
from complaints.services import complaint_submit_public
from hall.models import Alert
from hall.roles import Role
from staff.models import Absence, Attendance, LeaveRequest, WhereaboutsSign
from staff.substitution import absence_record
from tests.factories import MaterialFactory, ServiceItemFactory, StaffMemberFactory, UserFactory

from .fuzz_support import (
    FUZZ_SETTINGS,
    SQL,
    WRONG_DATES,
    XSS,
    Form,
    Logins,
    form_data,
    free_text,
    labels,
)

pytestmark = pytest.mark.django_db

VALID_ID = "11010519491231002X"
CREDIT_CODE = "91350100M000100Y43"
MOBILES = st.sampled_from(
    ["13812345678", "139-1234-5678", "+86 13812345678", "１３８１２３４５６７８"]
)
OCCURRENCES = labels(Occurrence)
# Stored in the hall's records (a name, a subject, a complaint): every page showing
# them must escape it.
STORED_XSS = "张三" + XSS[1]


@pytest.fixture
def logins(db) -> Logins:
    return Logins()


@pytest.fixture(autouse=True)
def _generous_limits(settings):
    """The per-address limits would lock the public pages after a few examples."""
    settings.HALL_COMPLAINT_MAX_PER_HOUR = 1_000_000
    settings.HALL_TRACKING_MAX_FAILURES = 1_000_000


# -- the hall the examples post into -----------------------------------------------------------


class World:
    """The hall the examples post into: the clerk's post partner and a clerk of the
    other window, and, each made on first use through the services two hours ago, a
    case in each state a clerk acts on, a finished case and a consultation waiting for
    a rating at the window's tablet, a complaint, alerts.

    A form's factory below touches what its examples need, before the first example:
    a record first made inside an example's savepoint would be rolled back with it.
    Names, subjects and complaints hold markup, which every page must escape."""

    def __init__(self, hall, clerk, window_head):
        self.hall, self.clerk, self.window_head = hall, clerk, window_head
        self.now = timezone.now()
        self.earlier = self.now - dt.timedelta(hours=2)
        self.partner = StaffMemberFactory(
            user=UserFactory(username="partner", first_name="赵大", roles=[Role.CLERK]),
            window=hall.window,
            department=hall.department,
            post=clerk.staff_member.post,
            slot="A",
        ).user
        self.other_clerk = StaffMemberFactory(
            user=UserFactory(username="otherclerk", first_name="钱二", roles=[Role.CLERK]),
            window=hall.other_window,
            department=hall.other_department,
        ).user

    @cached_property
    def item(self):
        item = ServiceItemFactory(
            code="SC-001",
            name="食品经营许可",
            department=self.hall.department,
            promised_limit_days=8,
        )
        MaterialFactory(item=item, name="食品经营许可申请书")
        MaterialFactory(item=item, name="营业执照复印件")
        return item

    def _intake(self, kind="accepted", **kw) -> Case:
        # A supplement case received the first material and misses the second.
        materials = [
            MaterialInput(
                name=m.name,
                item_material_id=m.pk,
                received=kind == "accepted" or i == 0,
                pages=2,
                missing_reason="" if kind == "accepted" or i == 0 else "原件缺失",
            )
            for i, m in enumerate(self.item.materials.all())
        ]
        applicant = ApplicantInput(
            kind="person",
            name=STORED_XSS,
            id_type="resident_id",
            id_number=VALID_ID,
            phone="13812345678",
        )
        return case_intake(
            actor=self.clerk,
            window=self.hall.window,
            item=self.item,
            kind=kind,
            applicant=applicant,
            materials=materials,
            now=self.earlier,
            **kw,
        )

    @cached_property
    def in_progress(self) -> Case:
        case = self._intake()
        # A yellow card the window head may appeal (N-3).
        occurrence_record(
            rule="R-ACC-4.5", source=case, occurred_at=self.earlier, window=self.hall.window
        )
        return case

    @cached_property
    def supplement(self) -> Case:
        return self._intake(kind="supplement")

    @cached_property
    def suspended(self) -> Case:
        case = self._intake()
        suspension_start(case=case, actor=self.clerk, now=self.earlier, reason="testing")
        return case

    @cached_property
    def approved(self) -> Case:
        return case_approve(case=self._intake(), actor=self.clerk, now=self.earlier)

    @cached_property
    def refused(self) -> Case:
        case = self._intake()
        case_refuse(
            case=case,
            actor=self.clerk,
            now=self.earlier,
            reason="incomplete",
            detail="材料不全",
            clerk_post="受理岗",
            clerk_phone="13812345678",
        )
        return case

    @cached_property
    def with_extension(self) -> Case:
        case = self._intake()
        extension_request(case=case, actor=self.clerk, now=self.earlier, days=3, reason="需要检验")
        return case

    @cached_property
    def joint(self) -> Case:
        return self._intake(parts=[PartInput(window=self.hall.other_window, description="审图")])

    @cached_property
    def finished(self) -> Case:
        """Picked up two minutes ago: the tablet offers it for a rating."""
        case = self._intake()
        case_approve(case=case, actor=self.clerk, now=self.now - dt.timedelta(minutes=5))
        return case_pickup(case=case, actor=self.clerk, now=self.now - dt.timedelta(minutes=2))

    @cached_property
    def consultation(self) -> FirstInquiry:
        return inquiry_record(
            actor=self.clerk,
            window=self.hall.window,
            now=self.now - dt.timedelta(minutes=3),
            channel="in_person",
            subject="咨询营业执照办理" + STORED_XSS,
            disposition="answered",
        )

    @cached_property
    def report(self) -> FirstInquiry:
        return inquiry_record(
            actor=self.clerk,
            window=self.hall.window,
            now=self.earlier,
            channel="in_person",
            subject="举报",
            disposition="report",
            inquirer_name="李四",
            inquirer_phone="13912345678",
        )

    @cached_property
    def tablet(self) -> RatingTablet:
        return tablet_issue(actor=self.window_head, window=self.hall.window, now=self.earlier)

    @cached_property
    def complaint(self) -> Complaint:
        complaint = Complaint(
            complainant_name="王五" + STORED_XSS,
            complainant_phone="13812345678",
            content="态度差" + STORED_XSS,
            window=self.hall.window,
        )
        return complaint_submit_public(complaint=complaint, now=self.earlier)

    @cached_property
    def alerts(self) -> list[Alert]:
        return [
            Alert.objects.create(
                user=self.clerk, key=key, level="info", title=STORED_XSS, created_at=self.earlier
            )
            for key in ("a", "b")
        ]


@pytest.fixture
def world(hall, clerk, window_head) -> World:
    return World(hall, clerk, window_head)


def _at(hours: int) -> str:
    return timezone.localtime(timezone.now() + dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def _hours(low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(_at)


def _pk(obj) -> str:
    return str(obj.pk)


def _case(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


# -- public forms: no login --------------------------------------------------------------------


def public_complaint(w: World) -> Form:
    def accepted(change):
        (row,) = change.new(Complaint)
        complaint = Complaint.objects.get(pk=row["pk"])
        assert complaint.channel == Complaint.Channel.WEB and complaint.registered_by is None
        assert complaint.number == f"TS{complaint.received_at:%Y}-{complaint.pk:06d}"
        assert complaint.tracking_code and complaint.content.strip()
        assert len(complaint.content) <= 2000
        assert complaint.complainant_phone.isdigit() and len(complaint.complainant_phone) == 11
        assert complaint.case in (None, w.finished)

    return Form(
        url=reverse("complaints:public_new"),
        fields={
            "complainant_name": free_text(100),
            "complainant_phone": MOBILES,
            "complainant_address": free_text(200),
            "window": st.sampled_from(["", _pk(w.hall.window)]),
            "content": free_text(300),
            "case_number": st.sampled_from(["", w.finished.number, w.finished.number.lower()]),
            "website": st.just(""),
        },
        valid={
            "complainant_name": "王五",
            "complainant_phone": "13812345678",
            "complainant_address": "城关镇",
            "window": _pk(w.hall.window),
            "content": "窗口人员态度差",
            "case_number": w.finished.number,
            "website": "",
        },
        text=("complainant_name", "complainant_address", "content", "case_number", "website"),
        numbers=("window", "complainant_phone"),
        accepted=accepted,
        may_touch=labels(Complaint, Alert) | OCCURRENCES,
    )


def _tracking(url_name: str, number: str, code: str) -> Form:
    return Form(
        url=reverse(url_name),
        fields={
            "number": st.sampled_from([number, number.lower(), "TS2026-000001"]),
            "code": st.sampled_from([code, code.lower(), "WRONG", ""]),
        },
        valid={"number": number, "code": code},
        text=("number", "code"),
    )


def _rating_fields(subject: dict) -> dict:
    return {
        **subject,
        "level": st.sampled_from(["1", "2", "3", "4", "5"]),
        "confirm": st.sampled_from(["1", "0"]),
        "reasons": st.sampled_from([*GOOD_REASONS, *BAD_REASONS]),
        "comment": free_text(300),
    }


def _rating_accepted(case=None, inquiry=None):
    def accepted(change):
        (row,) = change.new(Rating)
        rating = Rating.objects.get(pk=row["pk"])
        assert rating.case == case and rating.inquiry == inquiry
        assert set(rating.reasons) <= set(BAD_REASONS if rating.is_bad else GOOD_REASONS)
        # A bad review opens its rectification at once (N-2); a good one does not.
        assert Rectification.objects.filter(rating=rating).exists() == rating.is_bad

    return accepted


RATING_TABLES = labels(Rating, Rectification, Alert) | OCCURRENCES
BAD_RATING = {"level": "2", "confirm": "1", "reasons": ["attitude"], "comment": "态度差"}


def rate_by_phone(w: World) -> Form:
    case = w.finished
    return Form(
        url=reverse("complaints:rate"),
        fields=_rating_fields(
            {
                "number": st.sampled_from([case.number, case.number.lower()]),
                "code": st.sampled_from([case.tracking_code, case.tracking_code.lower()]),
            }
        ),
        valid={"number": case.number, "code": case.tracking_code, **BAD_RATING},
        text=("number", "code", "comment", "reasons"),
        numbers=("level", "confirm"),
        accepted=_rating_accepted(case=w.finished),
        may_touch=RATING_TABLES,
    )


def tablet(w: World, subject: str) -> Form:
    kind = subject.partition(":")[0]
    return Form(
        url=reverse("complaints:tablet", args=[w.tablet.token]),
        fields=_rating_fields({"subject": st.just(subject)}),
        valid={"subject": subject, **BAD_RATING},
        text=("subject", "comment", "reasons"),
        numbers=("level", "confirm"),
        accepted=_rating_accepted(**{kind: w.finished if kind == "case" else w.consultation}),
        may_touch=RATING_TABLES,
    )


# -- the clerk's forms -------------------------------------------------------------------------


def inquiry(w: World) -> Form:
    def accepted(change):
        (row,) = change.new(FirstInquiry)
        inquiry = FirstInquiry.objects.get(pk=row["pk"])
        D = FirstInquiry.Disposition
        assert inquiry.window == w.hall.window and inquiry.received_by == w.clerk
        assert inquiry.subject and inquiry.subject == inquiry.subject.strip()
        # The referral fields match the disposition (R-FIRST-1), nothing left over.
        assert (inquiry.referred_to_user is not None) == (inquiry.disposition == D.COLLEAGUE)
        assert (inquiry.referred_to_window is not None) == (inquiry.disposition == D.WINDOW)
        assert inquiry.referred_to_window != inquiry.window
        if inquiry.disposition == D.NOT_THIS_HALL:
            assert inquiry.other_department and inquiry.other_contact
        if inquiry.disposition == D.REPORT:
            assert inquiry.inquirer_name and inquiry.inquirer_phone

    channels = [c for c, _label in FirstInquiry._meta.get_field("channel").choices]
    return Form(
        url=reverse("cases:inquiry_new"),
        user=w.clerk,
        fields={
            "window": st.sampled_from(["", _pk(w.hall.window)]),
            "channel": st.sampled_from(channels),
            "subject": free_text(300),
            "inquirer_name": free_text(100),
            "inquirer_phone": st.one_of(MOBILES, st.just("0591-87654321")),
            "disposition": st.sampled_from(FirstInquiry.Disposition.values),
            "referred_to_user": st.sampled_from([_pk(w.partner), _pk(w.other_clerk)]),
            "referred_to_window": st.sampled_from([_pk(w.hall.other_window), _pk(w.hall.window)]),
            "other_department": free_text(200),
            "other_contact": free_text(200),
            "note": free_text(),
        },
        valid={
            "channel": "in_person",
            "subject": "咨询食品经营许可",
            "inquirer_name": "李四",
            "inquirer_phone": "13912345678",
            "disposition": "report",
        },
        text=("subject", "inquirer_name", "inquirer_phone", "other_department", "note"),
        numbers=("window", "referred_to_user", "referred_to_window"),
        accepted=accepted,
        may_touch=labels(FirstInquiry),
    )


def intake(w: World) -> Form:
    before = Case.objects.count()

    def accepted(change):
        (row,) = change.new(Case)
        case = Case.objects.get(pk=row["pk"])
        assert Case.objects.count() == before + 1
        assert case.window == w.hall.window and case.item == w.item
        # Wholly: one row per material of the item, and the kind's documents.
        assert case.materials.count() == w.item.materials.count()
        kinds = set(case.notices.values_list("kind", flat=True))
        expected = {
            Case.Kind.CONSULTATION: {Notice.Kind.ONE_TIME},
            Case.Kind.RETURNED: {Notice.Kind.RETURN},
            Case.Kind.SUPPLEMENT: {Notice.Kind.SUPPLEMENT},
            Case.Kind.ACCEPTED: {Notice.Kind.ACCEPTANCE, Notice.Kind.RECEIPT},
        }[case.kind]
        assert kinds == expected, (case.kind, kinds)
        for material in case.materials.all():
            assert material.received == (material.pages > 0)
            assert 0 <= material.pages <= 9999
        assert case.parts.count() == len(change.new(CasePart))
        assert FirstInquiry.objects.filter(case=case).count() == len(change.updated(FirstInquiry))
        assert case.received_at <= timezone.now()

    fields = {
        "item": st.sampled_from([w.item.code, w.item.code.lower()]),
        "inquiry": st.sampled_from(["", _pk(w.report), _pk(w.consultation)]),
        "kind": st.sampled_from(Case.Kind.values),
        "applicant_kind": st.sampled_from(Case.ApplicantKind.values),
        "applicant_name": free_text(200),
        "id_type": st.sampled_from(Case.IdType.values),
        "id_number": st.sampled_from([VALID_ID, VALID_ID.lower(), CREDIT_CODE, "E12345678"]),
        "phone": MOBILES,
        "contact_name": free_text(100),
        "received_at": _hours(-72, 0),
        "returned_reasons": free_text(),
        "leader_assigned": st.sampled_from([*Case.Leader.values, ""]),
        "part_windows": st.sampled_from([_pk(w.hall.other_window), ""]),
        "part_description": free_text(200),
    }
    valid = {
        "item": w.item.code,
        "inquiry": _pk(w.report),
        "kind": "accepted",
        "applicant_kind": "person",
        "applicant_name": "张三",
        "id_type": "resident_id",
        "id_number": VALID_ID,
        "phone": "13812345678",
        "received_at": _at(-1),
        "part_windows": _pk(w.hall.other_window),
        "part_description": "审图",
    }
    numbers, texts = ["inquiry", "part_windows"], ["item", "applicant_name", "id_number"]
    for material in w.item.materials.all():
        prefix = f"mat_{material.pk}"
        fields[f"{prefix}_received"] = st.sampled_from(["on", ""])
        fields[f"{prefix}_pages"] = st.integers(0, 9999).map(str)
        fields[f"{prefix}_reason"] = free_text(300)
        valid.update({f"{prefix}_received": "on", f"{prefix}_pages": "3"})
        numbers.append(f"{prefix}_pages")
        texts.append(f"{prefix}_reason")
    return Form(
        url=reverse("cases:intake"),
        user=w.clerk,
        fields=fields,
        valid=valid,
        text=(*texts, "contact_name", "returned_reasons", "part_description", "phone"),
        numbers=tuple(numbers),
        dates=("received_at",),
        accepted=accepted,
        may_touch=labels(Case, CaseMaterial, Notice, CasePart, FirstInquiry, CaseSequence)
        | OCCURRENCES,
    )


# -- the case actions --------------------------------------------------------------------------

CASE_TABLES = labels(
    Case, CaseMaterial, Notice, Suspension, Extension, RejectionFiling, CasePart, CardAppeal, Alert
)


def _action(w, case, action, *, fields, valid, accepted, user=None, url=None, **kinds) -> Form:
    return Form(
        url=url or reverse("cases:action", args=[case.number, action]),
        user=user or w.clerk,
        fields=fields,
        valid=valid,
        accepted=lambda change: accepted(_case(case), change),
        may_touch=CASE_TABLES | OCCURRENCES,
        **kinds,
    )


def suspend(w: World) -> Form:
    def accepted(case, change):
        (row,) = change.new(Suspension)
        assert case.status == Case.Status.SUSPENDED
        assert row["detail"] or row["reason"] != "other"
        assert [n["kind"] for n in change.new(Notice)] == [Notice.Kind.SUSPENSION]

    return _action(
        w,
        w.in_progress,
        "suspend",
        fields={"reason": st.sampled_from(Suspension.Reason.values), "detail": free_text(300)},
        valid={"reason": "other", "detail": "专家评审"},
        text=("reason", "detail"),
        accepted=accepted,
    )


def extend(w: World, case: Case) -> Form:
    def accepted(after, change):
        (row,) = change.new(Extension)
        assert 1 <= row["days"] <= 10 and row["reason"].strip()
        assert row["status"] == Extension.Status.PENDING and after.status == case.status

    return _action(
        w,
        case,
        "extend",
        fields={"days": st.integers(1, 12).map(str), "reason": free_text()},
        valid={"days": "3", "reason": "需要现场核查"},
        text=("reason",),
        numbers=("days",),
        accepted=accepted,
    )


def refuse(w: World) -> Form:
    def accepted(case, change):
        (row,) = change.new(RejectionFiling)
        assert case.status == Case.Status.REFUSED and case.completed_at
        assert row["detail"].strip() and row["clerk_post"].strip()
        assert row["clerk_phone"].isdigit() and len(row["clerk_phone"]) == 11
        kinds = sorted(n["kind"] for n in change.new(Notice))
        assert kinds == sorted([Notice.Kind.REJECTION, Notice.Kind.REJECTION_FILING])

    return _action(
        w,
        w.in_progress,
        "refuse",
        fields={
            "reason": st.sampled_from(RejectionFiling.Reason.values),
            "detail": free_text(),
            "clerk_post": free_text(100),
            "clerk_phone": MOBILES,
            "applicant_unit": free_text(200),
        },
        valid={
            "reason": "incomplete",
            "detail": "材料不全",
            "clerk_post": "受理岗",
            "clerk_phone": "13812345678",
            "applicant_unit": "某公司",
        },
        text=("reason", "detail", "clerk_post", "clerk_phone", "applicant_unit"),
        accepted=accepted,
    )


def receive(w: World) -> Form:
    """The applicant brings the missing material: the case is accepted."""
    waiting = list(w.supplement.materials.filter(received=False))

    def accepted(case, change):
        for _names, row in change.updated(CaseMaterial):
            assert row["received"] and 1 <= row["pages"] <= 9999
        assert case.status == Case.Status.IN_PROGRESS and case.accepted_on
        kinds = {n["kind"] for n in change.new(Notice)}
        assert kinds == {Notice.Kind.ACCEPTANCE, Notice.Kind.RECEIPT}

    fields, valid = {}, {}
    for m in waiting:
        fields[f"got_{m.pk}"] = st.just("1")
        fields[f"pages_{m.pk}"] = st.integers(1, 9999).map(str)
        valid.update({f"got_{m.pk}": "1", f"pages_{m.pk}": "4"})
    return _action(
        w,
        w.supplement,
        "receive",
        fields=fields,
        valid=valid,
        numbers=tuple(f"pages_{m.pk}" for m in waiting),
        accepted=accepted,
    )


def renotice(w: World) -> Form:
    """Another supplement notice, naming every material with a reason."""
    materials = list(w.supplement.materials.all())

    def accepted(case, change):
        assert [n["kind"] for n in change.new(Notice)] == [Notice.Kind.SUPPLEMENT]
        assert case.status == Case.Status.AWAITING_SUPPLEMENT
        for material in case.materials.filter(received=False):
            assert material.missing_reason.strip()

    fields, valid = {}, {}
    for m in materials:
        fields[f"missing_{m.pk}"] = st.just("1")
        fields[f"reason_{m.pk}"] = free_text(300)
        valid.update({f"missing_{m.pk}": "1", f"reason_{m.pk}": "复印件不清晰"})
    return _action(
        w,
        w.supplement,
        "renotice",
        fields=fields,
        valid=valid,
        text=tuple(f"reason_{m.pk}" for m in materials),
        accepted=accepted,
    )


def status_change(w: World, case: Case, action: str, status: str, **kw) -> Form:
    """An action without fields (resume, approve, pickup, complete a part): junk fields
    change nothing about it."""

    def accepted(after, change):
        assert after.status == status, (case.status, after.status)

    return _action(w, case, action, fields={}, valid={}, accepted=accepted, **kw)


def part_complete(w: World) -> Form:
    part = w.joint.parts.get()

    def accepted(case, change):
        ((names, row),) = change.updated(CasePart)
        assert names == {"completed_at", "completed_by_id"}
        assert row["completed_by_id"] == w.other_clerk.pk and case.status == "in_progress"

    return _action(
        w,
        w.joint,
        "",
        user=w.other_clerk,
        url=reverse("cases:part_complete", args=[w.joint.number, part.pk]),
        fields={},
        valid={},
        accepted=accepted,
    )


def review(w: World) -> Form:
    def accepted(case, change):
        ((_names, row),) = change.updated(RejectionFiling)
        assert row["review_opinion"].strip()
        upheld = row["status"] == RejectionFiling.Status.UPHELD
        assert case.status == (Case.Status.REFUSED if upheld else Case.Status.IN_PROGRESS)

    return _action(
        w,
        w.refused,
        "review",
        user=w.window_head,
        fields={"decision": st.sampled_from(["uphold", "overturn"]), "opinion": free_text()},
        valid={"decision": "overturn", "opinion": "理由不充分"},
        text=("decision", "opinion"),
        accepted=accepted,
    )


def extension_decide(w: World) -> Form:
    extension = w.with_extension.extensions.get()

    def accepted(case, change):
        ((_names, row),) = change.updated(Extension)
        if row["status"] == Extension.Status.APPROVED:
            assert case.extension_days == w.with_extension.extension_days + row["days"]
            assert [n["kind"] for n in change.new(Notice)] == [Notice.Kind.EXTENSION]
        else:
            assert row["decision_reason"].strip() and not change.new(Notice)

    return _action(
        w,
        w.with_extension,
        "",
        user=w.window_head,
        url=reverse("cases:extension_decide", args=[w.with_extension.number, extension.pk]),
        fields={"decision": st.sampled_from(["approve", "refuse"]), "reason": free_text()},
        valid={"decision": "refuse", "reason": "理由不足"},
        text=("decision", "reason"),
        accepted=accepted,
    )


def appeal(w: World) -> Form:
    def accepted(case, change):
        (row,) = change.new(CardAppeal)
        assert row["card"] == "yellow" and row["reason"].strip() and row["status"] == "pending"

    return _action(
        w,
        w.in_progress,
        "appeal",
        user=w.window_head,
        fields={"card": st.sampled_from(["yellow", "red", "green"]), "reason": free_text()},
        valid={"card": "yellow", "reason": "已按时办结"},
        text=("card", "reason"),
        accepted=accepted,
    )


# -- attendance, whereabouts, leave, alerts ----------------------------------------------------

STAFF_TABLES = labels(Absence, Attendance, WhereaboutsSign, LeaveRequest) | OCCURRENCES


def absence(w: World) -> Form:
    def accepted(change):
        (row,) = change.new(Absence)
        absence = Absence.objects.get(pk=row["pk"])
        assert absence.member.user in (w.clerk, w.partner)
        assert absence.ends_at is None or absence.ends_at > absence.starts_at
        assert absence.stepped_in_without_handover or absence.handover_note.strip()

    return Form(
        url=reverse("staff:absence_new"),
        user=w.clerk,
        fields={
            "who": st.sampled_from(["me", "partner"]),
            "reason": st.sampled_from(Absence.Reason.values),
            "ends_at": _hours(1, 72),
            "handover_note": free_text(),
        },
        valid={"who": "me", "reason": "training", "ends_at": _at(3), "handover_note": "交接"},
        text=("who", "reason", "handover_note"),
        dates=("ends_at",),
        accepted=accepted,
        may_touch=STAFF_TABLES,
    )


def whereabouts(w: World) -> Form:
    def accepted(change):
        (row,) = change.new(WhereaboutsSign)
        sign = WhereaboutsSign.objects.get(pk=row["pk"])
        assert sign.member.user == w.clerk and sign.reason.strip()
        assert sign.expected_back > sign.left_at
        # The clerk holds a post: the sign is also an absence of the post (R-ORG-6).
        assert Absence.objects.filter(sign=sign).count() == 1

    return Form(
        url=reverse("staff:whereabouts_new"),
        user=w.clerk,
        fields={
            "reason": free_text(100),
            "expected_back": _hours(1, 8),
            "handover_note": free_text(),
        },
        valid={"reason": "去档案室", "expected_back": _at(1), "handover_note": "交接"},
        text=("reason", "handover_note"),
        dates=("expected_back",),
        accepted=accepted,
        may_touch=STAFF_TABLES,
    )


def leave(w: World) -> Form:
    def accepted(change):
        (row,) = change.new(LeaveRequest)
        leave = LeaveRequest.objects.get(pk=row["pk"])
        assert leave.member.user == w.clerk and leave.reason.strip()
        assert leave.ends_at > leave.starts_at and leave.status == "pending"

    return Form(
        url=reverse("staff:leave_new"),
        user=w.clerk,
        fields={
            "starts_at": _hours(24, 48),
            "ends_at": _hours(49, 96),
            "reason": free_text(200),
            "handover_note": free_text(),
        },
        valid={"starts_at": _at(24), "ends_at": _at(48), "reason": "事假", "handover_note": "交接"},
        text=("reason", "handover_note"),
        dates=("starts_at", "ends_at"),
        accepted=accepted,
        may_touch=STAFF_TABLES,
    )


def button(w: World, url_name: str, setup=None) -> Form:
    """A button that posts no field (sign in and out, back at the post): junk fields
    change nothing about it, and it only ends what it ends."""

    def accepted(change):
        for model in (Absence, WhereaboutsSign, Attendance):
            for names, _row in change.updated(model):
                assert names <= {"ended_at", "returned_at", "signed_out_at"}, (model, names)

    return Form(
        url=reverse(url_name) if setup is None else "",
        user=w.clerk,
        fields={},
        valid={},
        accepted=accepted,
        may_touch=STAFF_TABLES,
        setup=setup,
    )


def absence_back(w: World) -> Form:
    def setup():
        member = w.partner.staff_member
        away = absence_record(actor=w.clerk, member=member, reason="training", now=timezone.now())
        return reverse("staff:absence_back", args=[away.pk])

    return button(w, "staff:absence_back", setup)


def whereabouts_back(w: World) -> Form:
    def setup():
        now = timezone.now()
        sign = WhereaboutsSign.objects.create(
            member=w.clerk.staff_member, reason="取件", left_at=now, expected_back=now
        )
        return reverse("staff:whereabouts_back", args=[sign.pk])

    return button(w, "staff:whereabouts_back", setup)


def alerts_read(w: World) -> Form:
    def accepted(change):
        for names, row in change.updated(Alert):
            assert names == {"read_at"} and row["user_id"] == w.clerk.pk

    return Form(
        url=reverse("hall:alerts_read"),
        user=w.clerk,
        fields={
            "id": st.sampled_from([*(_pk(a) for a in w.alerts), "0"]),
            "next": st.sampled_from(["/cases/", "//evil.example", "/\\evil.example", ""]),
        },
        valid={"id": [_pk(a) for a in w.alerts], "next": "/cases/"},
        text=("next",),
        numbers=("id",),
        accepted=accepted,
        may_touch={"hall.Alert"},
    )


FORMS = {
    "complaints:public_new": public_complaint,
    "complaints:public_track": lambda w: _tracking(
        "complaints:public_track", w.complaint.number, w.complaint.tracking_code
    ),
    "cases:track": lambda w: _tracking("cases:track", w.finished.number, w.finished.tracking_code),
    "complaints:rate": rate_by_phone,
    "complaints:tablet (a case)": lambda w: tablet(w, f"case:{w.finished.pk}"),
    "complaints:tablet (a consultation)": lambda w: tablet(w, f"inquiry:{w.consultation.pk}"),
    "cases:inquiry_new": inquiry,
    "cases:intake": intake,
    "cases:action suspend": suspend,
    "cases:action resume": lambda w: status_change(w, w.suspended, "resume", "in_progress"),
    "cases:action extend (in progress)": lambda w: extend(w, w.in_progress),
    "cases:action extend (suspended)": lambda w: extend(w, w.suspended),
    "cases:action approve (complete)": lambda w: status_change(
        w, w.in_progress, "approve", "approved"
    ),
    "cases:action pickup": lambda w: status_change(w, w.approved, "pickup", "picked_up"),
    "cases:action refuse (rejection filing)": refuse,
    "cases:action receive (accept after supplement)": receive,
    "cases:action renotice (supplement notice)": renotice,
    "cases:part_complete": part_complete,
    "cases:action review (window head)": review,
    "cases:extension_decide (window head)": extension_decide,
    "cases:action appeal (window head)": appeal,
    "staff:absence_new": absence,
    "staff:absence_back": absence_back,
    "staff:sign_in": lambda w: button(w, "staff:sign_in"),
    "staff:sign_out": lambda w: button(w, "staff:sign_out"),
    "staff:whereabouts_new": whereabouts,
    "staff:whereabouts_back": whereabouts_back,
    "staff:leave_new": leave,
    "hall:alerts_read": alerts_read,
}


@pytest.mark.parametrize("name", list(FORMS))
@hypothesis_settings(FUZZ_SETTINGS, max_examples=25)
@given(data=st.data())
@example(data=None)
def test_a_form_survives_hostile_input(world, logins, name, data):
    """The first example (data=None) sends the form's fixed hostile examples;
    hypothesis draws the others."""
    form = FORMS[name](world)
    if data is None:
        # The valid submission is accepted, so the checks of a whole record do run.
        accepted = not form.send(form.valid, logins=logins, follow=True).empty
        assert accepted == (form.accepted is not None and name != "staff:sign_out"), name
        for posted in form.explicit():
            # The refusal's page shows the messages: followed when they may echo markup.
            follow = any(XSS[0] in str(v) for v in posted.values())
            form.send(posted, logins=logins, follow=follow)
    else:
        form.send(data.draw(form_data(form.fields), label="posted"), logins=logins)


# -- searches and pages that read the address --------------------------------------------------


def _paged(url_name, user=None, needs=(), **fields):
    """A page with a query: each field gets the text attacks, `page` wrong numbers."""

    def form(w: World) -> Form:
        for name in needs:  # the records it lists, made before the examples' savepoints
            getattr(w, name)
        return Form(
            url=reverse(url_name),
            user=getattr(w, user) if user else None,
            method="get",
            fields={**fields, "page": st.sampled_from(["1", "2", "last", "0"])},
            valid=dict.fromkeys(fields, ""),
            text=tuple(fields),
            numbers=("page",),
        )

    return form


def _address(template: str, valid: str, user=None, method="get", needs=()):
    """A page whose address holds a value: the value gets the text attacks."""

    def form(w: World) -> Form:
        for name in needs:
            getattr(w, name)
        return Form(
            url=lambda value: template.format(quote(value, safe="")),
            user=getattr(w, user) if user else None,
            method=method,
            fields={"_path": st.just(valid.format(w=w))},
            valid={"_path": valid.format(w=w)},
            text=("_path",),
        )

    return form


HTMX = st.sampled_from(["", "1"])
PAGES = {
    "windows:guide_list": _paged(
        "windows:guide_list",
        needs=("item",),
        q=st.sampled_from(["食品", "SC-001", "许可", ""]),
        department=st.sampled_from(["D1", "D2", ""]),
        _htmx=HTMX,
    ),
    "windows:guide_detail": _address("/guide/{}/", "{w.item.code}"),
    "cases:track (GET ?number=)": _paged("cases:track", number=st.just("2026-A01-000001")),
    "complaints:public_track (GET ?number=)": _paged(
        "complaints:public_track", number=st.just("TS2026-000002")
    ),
    "complaints:rate (GET ?number=)": _paged("complaints:rate", number=st.just("2026-A01-000001")),
    "complaints:tablet (GET, the token)": _address(
        "/rate/tablet/{}/", "{w.tablet.token}", needs=("finished", "consultation")
    ),
    "complaints:public_results": _paged("complaints:public_results"),
    "supervision:screen": _paged("supervision:screen", _htmx=HTMX),
    "assessment:public": _paged(
        "assessment:public",
        period=st.sampled_from(["month:2026-09", "year:2025", "month:2026-13", "week:1"]),
    ),
    "cases:list": _paged(
        "cases:list",
        "clerk",
        needs=("in_progress", "supplement", "joint"),
        kind=st.sampled_from(Case.Kind.values),
        status=st.sampled_from(Case.Status.values),
        item=st.just("SC-001"),
        q=st.sampled_from(["张三", "SC", "13812345678"]),
        light=st.sampled_from(["green", "yellow", "red"]),
        window=st.sampled_from(["A01", "B01"]),
        since=st.sampled_from(["2026-01-01", *WRONG_DATES]),
        until=st.sampled_from(["2027-01-01", *WRONG_DATES]),
    ),
    "cases:inquiries": _paged("cases:inquiries", "clerk", needs=("consultation", "report")),
    "cases:intake (the item search)": _paged(
        "cases:intake",
        "clerk",
        needs=("item", "report"),
        q=st.sampled_from(["食品", "SC", ""]),
        item=st.sampled_from(["SC-001", "XX"]),
        inquiry=st.sampled_from(["1", "2", ""]),
        _htmx=HTMX,
    ),
    "hall:alerts": _paged("hall:alerts", "clerk", ("alerts",), unread=st.sampled_from(["1", ""])),
    "cases:detail (the number)": _address("/cases/{}/", "{w.in_progress.number}", "clerk"),
    "cases:action (the number)": _address(
        "/cases/{}/do/suspend/", "{w.in_progress.number}", "clerk", method="post"
    ),
}


@pytest.mark.parametrize("name", list(PAGES))
@hypothesis_settings(FUZZ_SETTINGS, max_examples=15)
@given(data=st.data())
@example(data=None)
def test_a_search_or_page_survives_hostile_input(world, logins, name, data):
    """Nothing a page reads from its address or query changes a row."""
    form = PAGES[name](world)
    if data is None:
        for posted in form.explicit():
            form.send(posted, logins=logins)
    else:
        form.send(data.draw(form_data(form.fields), label="query"), logins=logins)


def test_the_fixed_examples_include_every_attack():
    """A guard on the harness: the fixed examples really carry the hostile values."""
    form = Form(url="/", fields={}, valid={"a": "x", "n": "1"}, text=("a",), numbers=("n",))
    sent = [posted.get("a") for posted in form.explicit()]
    assert "a\x00b" in sent and any(len(str(v)) > 10_000 for v in sent)
    assert any(XSS[0] in str(v) for v in sent) and SQL[0] in sent
    numbers = [posted.get("n") for posted in form.explicit()]
    assert "²" in numbers and "99999999999999999999999" in numbers
