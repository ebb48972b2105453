"""The access matrix's machinery: one small hall holding an object of every kind inside
and outside each persona's scope, the addresses of the table's rows, and a request
that is undone after it is answered and tells whether it saved anything.

The hall is the root conftest's (window A01 of department D1, window B01 of D2) with
the same personas, built once for the module: the personas' fixtures are function
scoped, so they are rebuilt here with the same names, roles and posts.

"Inside" and "outside" are seen from window A01: the clerk works there, the window
head heads it and the department head heads D1. Objects at B01 (department D2, whose
clerk is `otherclerk` and head `otherhead`) are outside every limited persona's scope.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hall.identity import resident_id_check_char
from hall.roles import Role
from tests.factories import (
    DepartmentFactory,
    MaterialFactory,
    PostFactory,
    ServiceItemFactory,
    StaffMemberFactory,
    UserFactory,
    WindowFactory,
)


def resident_id(first_17: str) -> str:
    return first_17 + resident_id_check_char(first_17)


# The applicant data the privacy checks look for (R-COMP-4, masked IDs).
ID_A = resident_id("43010219880506123")  # the applicant of window A01's cases
ID_B = resident_id("43010219900712456")  # the applicant of window B01's case
ID_J = resident_id("43010219751103789")  # the applicant of the joint case led by B01
APPLICANT_PHONE = "13811112222"
# The people departments D1 and D2 propose for a post (R-ORG-3): their ID numbers.
DISPATCH_ID_D1 = resident_id("11010519950307123")
DISPATCH_ID_D2 = resident_id("11010519950307456")
COMPLAINANT_PHONE = "13912345678"
COMPLAINANT_ADDRESS = "城关镇幸福路88号"
ADDRESS_MARK = "幸福路88号"
# A report about B01 taken at B01's counter (R-FIRST-1), waiting for the center to register.
REPORT_SUBJECT = "举报户政窗口推诿不办"
REPORTER_PHONE = "13600002222"

COLUMNS = (
    "anon",
    "clerk",
    "window_head",
    "department_head",
    "supervisor",
    "director",
    "inspector",
    "applicant",
    "outsider",
    "admin_user",
)


@dataclass
class World:
    now: dt.datetime
    users: dict[str, object]
    clients: dict[str, Client] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)
    o: dict[str, object] = field(default_factory=dict)  # the objects, by name

    def __getattr__(self, name):
        try:
            return self.__dict__["o"][name]
        except KeyError:
            raise AttributeError(name) from None


# --- the hall -----------------------------------------------------------------------------


def _personas() -> tuple[dict, dict]:
    """The root conftest's hall and personas, plus B01's clerk and head."""
    department = DepartmentFactory(code="D1", name="县市场监督管理局")
    other_department = DepartmentFactory(code="D2", name="县公安局")
    window = WindowFactory(number="A01", name="企业开办窗口", department=department)
    other_window = WindowFactory(number="B01", name="户政窗口", department=other_department)

    post = PostFactory(window=window, name="综合受理岗")
    clerk = StaffMemberFactory(
        user=UserFactory(username="clerk", first_name="王小明", roles=[Role.CLERK]),
        window=window,
        department=department,
        post=post,
        slot="B",
    )
    window_head = UserFactory(username="windowhead", first_name="李主任", roles=[Role.WINDOW_HEAD])
    head_member = StaffMemberFactory(
        user=window_head, window=window, department=department, role="window_head"
    )
    window.window_head = window_head
    window.save()
    department_head = UserFactory(
        username="depthead", first_name="张局长", roles=[Role.DEPARTMENT_HEAD]
    )
    department.head = department_head
    department.save()

    other_post = PostFactory(window=other_window, name="户籍受理岗")
    other_clerk = StaffMemberFactory(
        user=UserFactory(username="otherclerk", first_name="孙受理", roles=[Role.CLERK]),
        window=other_window,
        department=other_department,
        post=other_post,
        slot="B",
    )
    other_head = UserFactory(username="otherhead", first_name="赵科长", roles=[Role.WINDOW_HEAD])
    other_head_member = StaffMemberFactory(
        user=other_head, window=other_window, department=other_department, role="window_head"
    )
    other_window.window_head = other_head
    other_window.save()

    users = {
        "clerk": clerk.user,
        "window_head": window_head,
        "department_head": department_head,
        "supervisor": UserFactory(
            username="supervisor", first_name="周督查", roles=[Role.SUPERVISOR]
        ),
        "director": UserFactory(username="director", first_name="陈主任", roles=[Role.DIRECTOR]),
        "inspector": UserFactory(username="inspector", first_name="韩监察", roles=[Role.INSPECTOR]),
        "applicant": UserFactory(username="applicant", first_name="李群众", roles=[Role.APPLICANT]),
        "outsider": UserFactory(username="outsider", first_name="路人"),
        "admin_user": UserFactory(username="admin", is_staff=True, is_superuser=True),
        "other_clerk": other_clerk.user,
        "other_head": other_head,
    }
    objects = {
        "department": department,
        "other_department": other_department,
        "window": window,
        "other_window": other_window,
        "post": post,
        "other_post": other_post,
        "clerk_member": clerk,
        "head_member": head_member,
        "other_clerk_member": other_clerk,
        "other_head_member": other_head_member,
    }
    return users, objects


def _applicant(id_number: str, name: str):
    from cases.models import Case
    from cases.services import ApplicantInput

    return ApplicantInput(
        kind=Case.ApplicantKind.PERSON,
        name=name,
        id_type=Case.IdType.RESIDENT_ID,
        id_number=id_number,
        phone=APPLICANT_PHONE,
    )


def _intake(actor, window, item, now, id_number, name, parts=()):
    from cases.models import Case
    from cases.services import MaterialInput, PartInput, case_intake

    return case_intake(
        actor=actor,
        window=window,
        item=item,
        kind=Case.Kind.ACCEPTED,
        applicant=_applicant(id_number, name),
        materials=[
            MaterialInput(name=m.name, item_material_id=m.pk, received=True, pages=2)
            for m in item.materials.all()
        ],
        parts=[PartInput(window=w, description=item.name) for w in parts],
        now=now,
    )


def _cases(w: World) -> None:
    from cases.models import CardAppeal, Notice
    from cases.services import case_approve, case_pickup, extension_request

    u, now = w.users, w.now
    item_a = ServiceItemFactory(
        code="MX-A", name="食品经营许可", department=w.department, is_published=True
    )
    MaterialFactory(item=item_a, name="食品经营许可申请书")
    item_b = ServiceItemFactory(
        code="MX-B", name="户口迁移", department=w.other_department, is_published=True
    )
    MaterialFactory(item=item_b, name="户口迁移申请表")
    draft = ServiceItemFactory(
        code="MX-DRAFT", name="未公布事项", department=w.department, is_published=False
    )
    earlier = now - dt.timedelta(hours=2)
    # A01's case, joint with a part at B01 (R-CASE-8); B01's own case; a joint case
    # led by B01 with a part at A01, which A01's staff see through their part.
    case_a = _intake(u["clerk"], w.window, item_a, earlier, ID_A, "张申请", parts=[w.other_window])
    case_b = _intake(u["other_clerk"], w.other_window, item_b, earlier, ID_B, "钱申请")
    case_j = _intake(
        u["other_clerk"], w.other_window, item_b, earlier, ID_J, "孙联办", parts=[w.window]
    )
    ext_a = extension_request(case=case_a, actor=u["clerk"], now=now, days=2, reason="需现场核查")
    ext_b = extension_request(
        case=case_b, actor=u["other_clerk"], now=now, days=2, reason="需现场核查"
    )
    # Finished cases of the same applicants, to rate (N-2).
    done_a = _intake(u["clerk"], w.window, item_a, earlier, ID_A, "张申请")
    case_approve(case=done_a, actor=u["clerk"], now=earlier + dt.timedelta(minutes=30))
    case_pickup(case=done_a, actor=u["clerk"], now=earlier + dt.timedelta(minutes=40))
    done_b = _intake(u["other_clerk"], w.other_window, item_b, earlier, ID_B, "钱申请")
    case_approve(case=done_b, actor=u["other_clerk"], now=earlier + dt.timedelta(minutes=30))
    case_pickup(case=done_b, actor=u["other_clerk"], now=earlier + dt.timedelta(minutes=40))

    def appeal(case, by):
        return CardAppeal.objects.create(
            case=case, card="red", reason="系统误判", appealed_by=by, appealed_at=now
        )

    w.o.update(
        item_a=item_a,
        item_b=item_b,
        draft_item=draft,
        case_a=case_a,
        case_b=case_b,
        case_j=case_j,
        done_a=done_a,
        done_b=done_b,
        ext_a=ext_a,
        ext_b=ext_b,
        part_a=case_j.parts.get(window=w.window),
        part_b=case_a.parts.get(window=w.other_window),
        receipt_a=case_a.notices.get(kind=Notice.Kind.RECEIPT),
        receipt_b=case_b.notices.get(kind=Notice.Kind.RECEIPT),
        card_appeal_a=appeal(case_a, u["window_head"]),
        card_appeal_b=appeal(case_b, u["other_head"]),
    )


def _complaints(w: World) -> None:
    from cases.models import FirstInquiry
    from complaints.handling import complaint_transfer
    from complaints.models import Complaint
    from complaints.ratings import rating_submit, tablet_issue
    from complaints.services import complaint_register

    u, now = w.users, w.now

    def register(window, member, name, phone, address, handler):
        complaint = Complaint(
            channel="phone",
            received_at=now - dt.timedelta(hours=1),
            complainant_name=name,
            complainant_phone=phone,
            complainant_address=address,
            content="窗口人员态度生硬，材料一次没说清。",
            window=window,
            staff_member=member,
        )
        complaint = complaint_register(actor=u["inspector"], complaint=complaint, now=now)
        # R-COMP-4: the handler named sees the complainant's contact; here D1's head
        # handles the complaint about A01's clerk, B01's head the one about B01's clerk.
        return complaint_transfer(
            actor=u["inspector"], complaint=complaint, window=window, handler=handler, now=now
        )

    complaint_a = register(
        w.window,
        w.clerk_member,
        "刘投诉",
        COMPLAINANT_PHONE,
        COMPLAINANT_ADDRESS,
        u["department_head"],
    )
    complaint_b = register(
        w.other_window, w.other_clerk_member, "吴投诉", "13700001111", "人民路1号", u["other_head"]
    )
    tablet_a = tablet_issue(actor=u["supervisor"], window=w.window, now=now)
    tablet_b = tablet_issue(actor=u["supervisor"], window=w.other_window, now=now)
    rating_a = rating_submit(
        level=1, reasons=["attitude"], source="tablet", case=w.done_a, tablet=tablet_a, now=now
    )
    rating_b = rating_submit(
        level=1, reasons=["attitude"], source="tablet", case=w.done_b, tablet=tablet_b, now=now
    )
    report_b = FirstInquiry.objects.create(
        window=w.other_window,
        received_by=u["other_clerk"],
        received_at=now,
        inquirer_name="钱举报",
        inquirer_phone=REPORTER_PHONE,
        subject=REPORT_SUBJECT,
        disposition=FirstInquiry.Disposition.REPORT,
    )
    w.o.update(
        report_b=report_b,
        complaint_a=complaint_a,
        complaint_b=complaint_b,
        tablet_a=tablet_a,
        tablet_b=tablet_b,
        rect_a=rating_a.rectification,
        rect_b=rating_b.rectification,
    )


def _accountability(w: World) -> None:
    from accountability import decisions as svc
    from accountability.grouping import case_open
    from accountability.models import Effect, Link, Rule

    u, now = w.users, w.now
    rule = Rule.objects.get(code="R-ACC-9")

    def decided(window, person):
        case = case_open(
            actor=u["inspector"],
            rule=rule,
            origin="inspection",
            facts="窗口人员对办事群众态度生硬，被暗访记录。",
            now=now,
            window=window,
            person=person,
        )
        svc.hearing_start(actor=u["inspector"], case=case, charged={Link.CLERK: person}, now=now)
        hearing = case.hearings.get()
        svc.hearing_state(actor=person, hearing=hearing, statement="当时排队人多。", now=now)
        decision = svc.decision_take(
            actor=u["inspector"],
            case=case,
            points={Link.CLERK: "3"},
            reasons="态度生硬，事实清楚。",
            aggravating=[],
            mitigating=[],
            rectify_by=None,
            now=now,
        )
        appeal = svc.appeal_file(actor=person, decision=decision, grounds="请求复核。", now=now)
        # A written self-examination due (R-ACC-4's effect), to hand in.
        due = Effect.objects.create(
            decision=decision,
            kind=Effect.Kind.SELF_EXAMINATION,
            window=window,
            person=person,
            month=case.month,
            due_on=timezone.localdate(now) + dt.timedelta(days=7),
            created_at=now,
        )
        case.refresh_from_db()
        return {
            "case": case,
            "hearing": hearing,
            "decision": decision,
            "appeal": appeal,
            "criticism": decision.effects.get(kind=Effect.Kind.CRITICISM),
            "due_effect": due,
        }

    for side, window, person in (
        ("a", w.window, u["clerk"]),
        ("b", w.other_window, u["other_clerk"]),
    ):
        for key, value in decided(window, person).items():
            w.o[f"acc_{key}_{side}"] = value


def _assessment(w: World) -> None:
    from PIL import Image

    from assessment import services as svc
    from assessment.models import Objection, ReportFile, Score
    from assessment.reports import ReportRange, ReportScope, report_file_make

    u, now = w.users, w.now
    month = svc.previous_month(timezone.localdate(now))
    period = svc.period_compute(kind="month", start=month, actor=u["supervisor"], now=now)
    svc.period_review(period=period, actor=u["supervisor"], now=now)
    period = svc.period_publish(period=period, actor=u["director"], now=now)
    scores = Score.objects.filter(period=period)

    def png(name):
        out = io.BytesIO()
        Image.new("RGB", (8, 8), (255, 0, 0)).save(out, "PNG")
        return ContentFile(out.getvalue(), name=name)

    def commend(window, member):
        return svc.commendation_record(
            actor=u["supervisor"],
            kind="thanks",
            window=window,
            member=member,
            on=timezone.localdate(now),
            description="群众送来感谢信",
            evidence=png("letter.png"),
            now=now,
        )

    objection_a = svc.objection_file(
        score=scores.get(window=w.window, subject=Score.Subject.WINDOW),
        actor=u["window_head"],
        grounds="巡查扣分有误",
        now=now,
    )
    objection_b = svc.objection_file(
        score=scores.get(window=w.other_window, subject=Score.Subject.WINDOW),
        actor=u["other_head"],
        grounds="巡查扣分有误",
        now=now,
    )
    range_, _ok = ReportRange.parse(f"{month:%Y-%m}", timezone.localdate(now))
    report_file = ReportFile.objects.create(
        requested_by=u["department_head"],
        requested_at=now,
        params={"period": range_.key, **ReportScope.of_department(w.department).params()},
        format="xlsx",
        title="D1",
    )
    report_file_make(report_file.pk)
    w.o.update(
        month=month,
        unscored_month=svc.previous_month(month),
        period=period,
        score_clerk=scores.get(member=w.clerk_member),
        score_other_clerk=scores.get(member=w.other_clerk_member),
        score_a=scores.get(window=w.window, subject=Score.Subject.WINDOW),
        score_b=scores.get(window=w.other_window, subject=Score.Subject.WINDOW),
        objection_a=Objection.objects.get(pk=objection_a.pk),
        objection_b=Objection.objects.get(pk=objection_b.pk),
        commendation_a=commend(w.window, w.clerk_member),
        commendation_b=commend(w.other_window, w.other_clerk_member),
        report_file=report_file,
    )


def _patrols(w: World) -> None:
    from patrols.models import ChecklistItem
    from patrols.services import finding_record, round_start

    u, now = w.users, w.now
    round_, _created = round_start(actor=u["supervisor"], now=now, half="morning")
    item = ChecklistItem.objects.get(code="dress")

    def found(window, member):
        out = io.BytesIO()
        from PIL import Image

        Image.new("RGB", (8, 8), (0, 0, 255)).save(out, "JPEG")
        return finding_record(
            actor=u["supervisor"],
            round_=round_,
            window=window,
            item=item,
            person=member,
            note="未佩戴工作牌",
            photo=ContentFile(out.getvalue(), name="badge.jpg"),
            now=now,
        )

    w.o.update(
        tidiness=ChecklistItem.objects.get(code="tidiness"),
        round=round_,
        finding_a=found(w.window, w.clerk_member),
        finding_b=found(w.other_window, w.other_clerk_member),
    )


def _staff(w: World) -> None:
    from hall.alerts import AlertSpec, alerts_send
    from hall.models import Alert
    from staff.attendance import whereabouts_post
    from staff.dispatch import dispatch_propose
    from staff.leave_visits import leave_request
    from staff.models import Dispatch

    u, now = w.users, w.now

    def away(member):
        return whereabouts_post(
            actor=member.user,
            member=member,
            now=now,
            reason="去档案室取件",
            expected_back=now + dt.timedelta(minutes=15),
        )

    def leave(member):
        return leave_request(
            actor=member.user,
            member=member,
            starts_at=now + dt.timedelta(days=3),
            ends_at=now + dt.timedelta(days=4),
            reason="事假",
            now=now,
        )

    def dispatch(actor, department, window, name, id_number):
        return dispatch_propose(
            actor=actor,
            dispatch=Dispatch(
                department=department,
                window=window,
                role=Dispatch.Role.CLERK,
                name=name,
                gender="F",
                id_number=id_number,
                birth_date=dt.date(1995, 3, 7),
                phone="13700007777",
                employment=Dispatch.Employment.CIVIL_SERVANT,
                qualifications="行政执法证",
            ),
            now=now,
        )

    sign_a, sign_b = away(w.clerk_member), away(w.other_clerk_member)
    alerts_send([AlertSpec(u["clerk"].pk, "matrix:clerk", "info", "一条提醒")], now=now)
    w.o.update(
        sign_a=sign_a,
        sign_b=sign_b,
        absence_a=sign_a.absence,
        absence_b=sign_b.absence,
        leave_a=leave(w.clerk_member),
        leave_b=leave(w.other_clerk_member),
        dispatch_a=dispatch(u["department_head"], w.department, w.window, "赵新人", DISPATCH_ID_D1),
        dispatch_b=dispatch(
            u["admin_user"], w.other_department, w.other_window, "钱新人", DISPATCH_ID_D2
        ),
        clerk_alert=Alert.objects.get(user=u["clerk"], key="matrix:clerk"),
    )


def build_world(now: dt.datetime | None = None) -> World:
    users, objects = _personas()
    w = World(now=now or timezone.now(), users=users, o=objects)
    _cases(w)
    _complaints(w)
    _accountability(w)
    _assessment(w)
    _patrols(w)
    _staff(w)
    return w


# --- the rows' addresses ---------------------------------------------------------------


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _by_side(variant: str, a, b):
    """`a` for a row's inside variant (window A01, department D1), `b` for outside."""
    sides = {"A01": a, "D1": a, "B01": b, "D2": b}
    if variant not in sides:
        raise KeyError(variant)
    return sides[variant]


def _targets() -> dict:
    """url name -> (world, variant) -> path, or (path, POST body)."""
    r = reverse

    def side_pk(name, a, b):
        return lambda w, v: r(name, args=[_by_side(v, w.o[a], w.o[b]).pk])

    def accountability(name, key, body=None):
        def target(w, v):
            obj = w.o[f"{key}_{_by_side(v, 'a', 'b')}"]
            return r(name, args=[obj.pk]), body or {}

        return target

    return {
        "home": lambda w, v: r("home"),
        # windows: the public service guide.
        "windows:guide_list": lambda w, v: r("windows:guide_list"),
        "windows:guide_detail": lambda w, v: r(
            "windows:guide_detail", args=[{"MX-A": w.item_a, "draft": w.draft_item}[v].code]
        ),
        "windows:guide_pdf": lambda w, v: r(
            "windows:guide_pdf", args=[{"MX-A": w.item_a, "draft": w.draft_item}[v].code]
        ),
        # cases
        "cases:list": lambda w, v: r("cases:list"),
        "cases:intake": lambda w, v: (r("cases:intake"), {"item": w.item_a.code}),
        "cases:inquiries": lambda w, v: r("cases:inquiries"),
        "cases:inquiry_new": lambda w, v: (r("cases:inquiry_new"), {}),
        "cases:detail": lambda w, v: r(
            "cases:detail",
            args=[{"A01": w.case_a, "B01": w.case_b, "joint": w.case_j}[v].number],
        ),
        "cases:action": lambda w, v: (
            r("cases:action", args=[_by_side(v, w.case_a, w.case_b).number, "suspend"]),
            {"reason": "testing", "detail": "送检"},
        ),
        "cases:extension_decide": lambda w, v: (
            r(
                "cases:extension_decide",
                args=[
                    _by_side(v, w.case_a, w.case_b).number,
                    _by_side(v, w.ext_a, w.ext_b).pk,
                ],
            ),
            {"decision": "approve", "reason": "同意"},
        ),
        # A01's part of the joint case B01 leads; B01's part of the joint case A01 leads.
        "cases:part_complete": lambda w, v: r(
            "cases:part_complete",
            args=[
                _by_side(v, w.part_a, w.part_b).case.number,
                _by_side(v, w.part_a, w.part_b).pk,
            ],
        ),
        "cases:document": lambda w, v: r(
            "cases:document",
            args=[_by_side(v, w.case_a, w.case_b).number, _by_side(v, w.receipt_a, w.receipt_b).pk],
        ),
        "cases:document_pdf": lambda w, v: r(
            "cases:document_pdf",
            args=[_by_side(v, w.case_a, w.case_b).number, _by_side(v, w.receipt_a, w.receipt_b).pk],
        ),
        "cases:track": lambda w, v: (r("cases:track"), {}),
        # hall: the bell
        "hall:alerts": lambda w, v: r("hall:alerts"),
        "hall:alerts_read": lambda w, v: (r("hall:alerts_read"), {"id": w.clerk_alert.pk}),
        # staff
        "staff:absence_new": lambda w, v: (
            r("staff:absence_new"),
            {"who": "me", "reason": "training", "handover_note": "见交接本"},
        ),
        "staff:absence_back": side_pk("staff:absence_back", "absence_a", "absence_b"),
        "staff:sign_in": lambda w, v: r("staff:sign_in"),
        "staff:sign_out": lambda w, v: r("staff:sign_out"),
        "staff:whereabouts_new": lambda w, v: (
            r("staff:whereabouts_new"),
            {"reason": "去档案室", "expected_back": _local(w.now + dt.timedelta(hours=1))},
        ),
        "staff:whereabouts_back": side_pk("staff:whereabouts_back", "sign_a", "sign_b"),
        "staff:whereabouts_grant": lambda w, v: (
            r("staff:whereabouts_grant", args=[_by_side(v, w.sign_a, w.sign_b).pk]),
            {"substitute": _by_side(v, w.head_member, w.other_head_member).pk},
        ),
        "staff:leave_new": lambda w, v: (
            r("staff:leave_new"),
            {
                "starts_at": _local(w.now + dt.timedelta(days=5)),
                "ends_at": _local(w.now + dt.timedelta(days=6)),
                "reason": "事假",
            },
        ),
        "staff:leave_decide": lambda w, v: (
            r("staff:leave_decide", args=[_by_side(v, w.leave_a, w.leave_b).pk]),
            {"decision": "approve"},
        ),
        "staff:visits": lambda w, v: (
            r("staff:visits"),
            {"visited_on": timezone.localdate(w.now).isoformat(), "checked": "查看窗口秩序"},
        ),
        "staff:people": lambda w, v: r("staff:people"),
        "staff:dispatch_list": lambda w, v: (r("staff:dispatch_list"), {}),
        "staff:dispatch_detail": lambda w, v: (
            r("staff:dispatch_detail", args=[_by_side(v, w.dispatch_a, w.dispatch_b).pk]),
            {"action": "withdraw"},
        ),
        "staff:swaps": lambda w, v: (r("staff:swaps"), {"action": "request"}),
        "staff:returns": lambda w, v: (
            r("staff:returns"),
            {"member": w.clerk_member.pk, "decision": "keep", "reasons": "表现良好"},
        ),
        "staff:posts": lambda w, v: r("staff:posts"),
        "staff:post_change": lambda w, v: (
            r("staff:post_change"),
            {"post": w.post.pk, "slot": "A", "member": w.head_member.pk, "reason": "调整"},
        ),
        "staff:rota": lambda w, v: r("staff:rota"),
        "staff:attendance_report": lambda w, v: r("staff:attendance_report"),
        "staff:attendance_report_file": lambda w, v: r("staff:attendance_report_file", args=[v]),
        # complaints and ratings
        "complaints:public_new": lambda w, v: (r("complaints:public_new"), {}),
        "complaints:public_track": lambda w, v: (r("complaints:public_track"), {}),
        "complaints:public_results": lambda w, v: r("complaints:public_results"),
        "complaints:list": lambda w, v: r("complaints:list"),
        "complaints:new": lambda w, v: (r("complaints:new"), {}),
        "complaints:export": lambda w, v: r("complaints:export"),
        "complaints:report": lambda w, v: r("complaints:report"),
        "complaints:report_pdf": lambda w, v: r("complaints:report_pdf"),
        "complaints:report_xlsx": lambda w, v: r("complaints:report_xlsx"),
        "complaints:rate": lambda w, v: (r("complaints:rate"), {}),
        "complaints:tablet": lambda w, v: (
            r("complaints:tablet", args=[{"A01": w.tablet_a.token, "bad-token": "x" * 32}[v]]),
            {},
        ),
        "complaints:ratings": lambda w, v: r("complaints:ratings"),
        "complaints:tablets": lambda w, v: (
            r("complaints:tablets"),
            {"window": _by_side(v, w.window, w.other_window).pk} if v != "-" else {},
        ),
        "complaints:rectifications": lambda w, v: r("complaints:rectifications"),
        "complaints:rectification": side_pk("complaints:rectification", "rect_a", "rect_b"),
        "complaints:rectification_act": lambda w, v: (
            r(
                "complaints:rectification_act",
                args=[_by_side(v, w.rect_a, w.rect_b).pk, "callback"],
            ),
            {"note": "已回访，申请人接受道歉"},
        ),
        "complaints:detail": lambda w, v: r(
            "complaints:detail", args=[_by_side(v, w.complaint_a, w.complaint_b).number]
        ),
        "complaints:pdf": lambda w, v: r(
            "complaints:pdf", args=[_by_side(v, w.complaint_a, w.complaint_b).number]
        ),
        "complaints:act": lambda w, v: (
            r(
                "complaints:act",
                args=[_by_side(v, w.complaint_a, w.complaint_b).number, "propose"],
            ),
            {"proposal": "当面致歉并重新告知所需材料"},
        ),
        # patrols
        "patrols:index": lambda w, v: r("patrols:index"),
        "patrols:round_start": lambda w, v: (r("patrols:round_start"), {"half": "morning"}),
        "patrols:round": lambda w, v: r("patrols:round", args=[w.round.pk]),
        "patrols:round_sign": lambda w, v: (r("patrols:round_sign", args=[w.round.pk]), {}),
        "patrols:round_window": lambda w, v: (
            r(
                "patrols:round_window",
                args=[w.round.pk, _by_side(v, w.window, w.other_window).pk],
            ),
            {"item": w.tidiness.pk, "note": "桌面杂乱"},
        ),
        "patrols:check_pass": lambda w, v: r(
            "patrols:check_pass", args=[w.round.pk, _by_side(v, w.window, w.other_window).pk]
        ),
        "patrols:check_undo": lambda w, v: r(
            "patrols:check_undo", args=[w.round.pk, _by_side(v, w.window, w.other_window).pk]
        ),
        "patrols:findings": lambda w, v: r("patrols:findings"),
        "patrols:finding": side_pk("patrols:finding", "finding_a", "finding_b"),
        "patrols:finding_photo": side_pk("patrols:finding_photo", "finding_a", "finding_b"),
        "patrols:finding_act": lambda w, v: (
            r("patrols:finding_act", args=[_by_side(v, w.finding_a, w.finding_b).pk, "dispute"]),
            {"reason": "当时正在更换工作牌"},
        ),
        "patrols:coverage": lambda w, v: r("patrols:coverage"),
        "patrols:summary": lambda w, v: r("patrols:summary"),
        "patrols:summary_pdf": lambda w, v: r("patrols:summary_pdf"),
        "patrols:summary_xlsx": lambda w, v: r("patrols:summary_xlsx"),
        # accountability
        "accountability:desk": lambda w, v: r("accountability:desk"),
        "accountability:take_up": lambda w, v: r("accountability:take_up"),
        "accountability:case_new": lambda w, v: (r("accountability:case_new"), {}),
        "accountability:case": accountability("accountability:case", "acc_case"),
        "accountability:case_hear": accountability("accountability:case_hear", "acc_case"),
        "accountability:case_decide": accountability("accountability:case_decide", "acc_case"),
        "accountability:case_dismiss": accountability(
            "accountability:case_dismiss", "acc_case", {"reasons": "证据不足"}
        ),
        "accountability:hearing": accountability(
            "accountability:hearing", "acc_hearing", {"statement": "补充说明"}
        ),
        "accountability:hearing_pdf": accountability("accountability:hearing_pdf", "acc_hearing"),
        "accountability:decision_pdf": accountability(
            "accountability:decision_pdf", "acc_decision"
        ),
        "accountability:decision_act": lambda w, v: (
            r(
                "accountability:decision_act",
                args=[_by_side(v, w.acc_decision_a, w.acc_decision_b).pk, "appeal"],
            ),
            {"grounds": "再次申诉"},
        ),
        "accountability:appeal_review": accountability(
            "accountability:appeal_review",
            "acc_appeal",
            {"outcome": "upheld", "review_reasons": "事实清楚，维持原决定"},
        ),
        "accountability:effect_hand_in": accountability(
            "accountability:effect_hand_in", "acc_due_effect"
        ),
        "accountability:criticism_pdf": accountability(
            "accountability:criticism_pdf", "acc_criticism"
        ),
        "accountability:record_person": lambda w, v: r(
            "accountability:record_person",
            args=[{"clerk": w.users["clerk"], "otherclerk": w.users["other_clerk"]}[v].pk],
        ),
        "accountability:record_window": lambda w, v: r(
            "accountability:record_window", args=[_by_side(v, w.window, w.other_window).pk]
        ),
        # assessment
        "assessment:home": lambda w, v: r("assessment:home"),
        "assessment:public": lambda w, v: r("assessment:public"),
        "assessment:period": lambda w, v: r(
            "assessment:period",
            args=["month", f"{ {'published': w.month, 'unscored': w.unscored_month}[v]:%Y-%m}"],
        ),
        "assessment:period_action": lambda w, v: r(
            "assessment:period_action", args=["month", f"{w.unscored_month:%Y-%m}", "compute"]
        ),
        "assessment:score": lambda w, v: r(
            "assessment:score",
            args=[
                {
                    "A01": w.score_a,
                    "B01": w.score_b,
                    "clerk": w.score_clerk,
                    "otherclerk": w.score_other_clerk,
                }[v].pk
            ],
        ),
        "assessment:object": lambda w, v: (
            r("assessment:object", args=[_by_side(v, w.score_a, w.score_b).pk]),
            {"grounds": "扣分有误"},
        ),
        "assessment:correct": lambda w, v: (
            r("assessment:correct", args=[w.score_clerk.pk]),
            {"points": "1", "reason": "更正"},
        ),
        "assessment:answer": lambda w, v: (
            r("assessment:answer", args=[_by_side(v, w.objection_a, w.objection_b).pk]),
            {"outcome": "dismissed", "answer": "扣分属实，维持"},
        ),
        "assessment:commendations": lambda w, v: (r("assessment:commendations"), {}),
        "assessment:commendation_withdraw": side_pk(
            "assessment:commendation_withdraw", "commendation_a", "commendation_b"
        ),
        "assessment:evidence": side_pk("assessment:evidence", "commendation_a", "commendation_b"),
        "assessment:merit": lambda w, v: (
            r("assessment:merit", args=[timezone.localdate(w.now).year]),
            {
                "member": _by_side(v, w.clerk_member, w.other_clerk_member).pk,
                **dict.fromkeys(("conduct", "ability", "diligence", "results", "integrity"), "90"),
            },
        ),
        "assessment:report": lambda w, v: (
            r("assessment:report") + ("" if v == "-" else "?" + urlencode({"department": v}))
        ),
        "assessment:report_file_new": lambda w, v: (
            r("assessment:report_file_new"),
            {"format": "xlsx", "period": f"{w.month:%Y-%m}"},
        ),
        "assessment:report_file": lambda w, v: r("assessment:report_file", args=[w.report_file.pk]),
        "assessment:report_file_download": lambda w, v: r(
            "assessment:report_file_download", args=[w.report_file.pk]
        ),
        # supervision
        "supervision:overview": lambda w, v: r("supervision:overview"),
        "supervision:appeals": lambda w, v: r("supervision:appeals"),
        "supervision:appeal_decide": lambda w, v: (
            r(
                "supervision:appeal_decide",
                args=[_by_side(v, w.card_appeal_a, w.card_appeal_b).pk],
            ),
            {"decision": "uphold", "reason": "红牌属实"},
        ),
        "supervision:screen": lambda w, v: r("supervision:screen"),
        # accounts
        "login": lambda w, v: (r("login"), {}),
        "logout": lambda w, v: r("logout"),
        "password_change": lambda w, v: (r("password_change"), {}),
        "session": lambda w, v: r("session"),
        "login_log": lambda w, v: r("login_log"),
        "admin:index": lambda w, v: r("admin:index"),
    }


TARGETS = _targets()


def target(w: World, name: str, variant: str) -> tuple[str, dict]:
    try:
        made = TARGETS[name](w, variant)
    except KeyError as exc:
        raise AssertionError(f"{name}: no address for the variant {variant!r} ({exc})") from None
    return made if isinstance(made, tuple) else (made, {})


# --- requests that leave nothing behind ----------------------------------------------------

# Tables a request may write to without that counting as "saved": the session, and the
# login records (django-axes).
UNCOUNTED_TABLES = ("django_session", "axes_")
_TABLE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


class WriteWatch:
    """Notes every INSERT, UPDATE or DELETE that changed a row (connection.execute_wrapper)."""

    def __init__(self):
        self.tables: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        match = _TABLE.match(sql)
        # An INSERT … RETURNING (how Django creates a row) reports its rowcount only once
        # its rows are read: an INSERT counts as it is; UPDATE and DELETE count when they
        # touched a row.
        changed = sql.lstrip()[:6].upper() == "INSERT" or context["cursor"].rowcount != 0
        if match and not match.group(1).startswith(UNCOUNTED_TABLES) and changed:
            self.tables.append(match.group(1))
        return result


@dataclass
class Answer:
    code: str  # 200, 403, …; L a login redirect; A the admin's login; E:<exception>
    writes: list[str]
    location: str = ""
    content_type: str = ""
    body: bytes = b""

    @property
    def shown(self) -> str:
        return self.code + ("+" if self.writes else "")


def _code(response, full_path: str) -> tuple[str, str]:
    from urllib.parse import parse_qs, urlsplit

    from django.conf import settings
    from django.shortcuts import resolve_url

    status = response.status_code
    if status not in (301, 302):
        return str(status), ""
    location = response["Location"]
    parts = urlsplit(location)
    nxt = parse_qs(parts.query).get("next", [""])[0]
    if parts.path == resolve_url(settings.LOGIN_URL) and nxt == full_path:
        return "L", location
    if parts.path == reverse("admin:login") and nxt == full_path:
        return "A", location
    return str(status), location


def login_clients(w: World) -> None:
    """A client per column, logged in once; `fetch` gives it back its session each time
    (a request that logs out, or rotates the session, leaves the next one unharmed)."""
    from django.conf import settings

    for persona in COLUMNS:
        client = Client()
        w.clients[persona], w.sessions[persona] = client, ""
        if persona != "anon":
            client.force_login(w.users[persona])
            w.sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value


def fetch(w: World, persona: str, method: str, path: str, data: dict) -> Answer:
    """One request by `persona`, undone once answered (the world stays as built)."""
    from django.conf import settings
    from django.core.cache import cache

    cache.clear()  # the rate limits' counters (tracking codes, complaints per hour)
    client = w.clients[persona]
    client.cookies.clear()
    if w.sessions[persona]:
        client.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[persona]
    watch = WriteWatch()
    with transaction.atomic():
        with connection.execute_wrapper(watch):
            try:
                response = client.get(path) if method == "GET" else client.post(path, data)
            except Exception as exc:  # noqa: BLE001 - reported in the table as E:<name>
                transaction.set_rollback(True)
                return Answer(f"E:{type(exc).__name__}", watch.tables)
        transaction.set_rollback(True)
    code, location = _code(response, path)
    body = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    return Answer(
        code, watch.tables, location, response.get("Content-Type", "").split(";")[0], body
    )


# --- what a reader sees in an answer ----------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FAKE_PDF = b"%PDF-matrix\n"


class FakeHTML:
    """Stands in for weasyprint.HTML in the matrix: the "PDF" is the HTML it was made from,
    so each answer is checked in milliseconds and its text is still readable."""

    def __init__(self, string="", base_url=None, **kwargs):
        self.string = string

    def write_pdf(self, *args, **kwargs):
        return FAKE_PDF + self.string.encode()


def text_of(answer: Answer) -> str:
    """The text a reader of the answer sees: the page, the PDF's text (pypdf), the
    workbook's cells (openpyxl)."""
    body = answer.body
    if answer.content_type == "application/pdf" or body.startswith(b"%PDF"):
        if body.startswith(FAKE_PDF):
            return body[len(FAKE_PDF) :].decode()
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    if answer.content_type == XLSX or body.startswith(b"PK"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    if answer.content_type.startswith("image/"):
        return ""
    return body.decode("utf-8", errors="replace")
