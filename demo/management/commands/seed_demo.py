"""Create a believable county hall for demonstration: `manage.py seed_demo`.

About 30 departments, 60 windows, 100 posts held by 200 staff in A/B pairs
(R-ORG-6), 150 service items with their eight elements, and one demo login per
persona. Running it again changes nothing that is already as the seed wants it
(no duplicate rows, no new history rows).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.catalog import DEPARTMENTS
from hall.accounts import password_change_require
from hall.roles import Role
from staff.models import Post, StaffMember
from windows.models import Department, ServiceItem, ServiceItemMaterial, Window

DEMO_PASSWORD = "hall-demo-2026"

# username, full name, persona group (None: superuser for the Django admin)
CENTER_USERS = [
    ("admin", "系统管理员", None),
    ("supervisor", "周敏", Role.SUPERVISOR),
    ("director", "陈建国", Role.DIRECTOR),
    ("inspector", "韩立新", Role.INSPECTOR),
    ("applicant", "李群众", Role.APPLICANT),
]
# The demo clerk, window head and department head are people of the first window.
CLERK, WINDOW_HEAD, DEPARTMENT_HEAD = "clerk", "windowhead", "depthead"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙"
    "史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍申尤毕聂"
    "柴焦向柳邢骆岳齐梅莫庄辛管祝左涂谷时舒耿卜詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫"
    "查屈鲍位覃霍翁隋植甘景薄单包司柏宁柯阮桂闵"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉玲建国红梅志坚文斌海燕"
    "晓东雪莉佳琪浩然子涵欣怡宇轩思远嘉怡俊杰婷婷春梅建华丽娟"
)
POST_NAMES = ["综合受理岗", "审核办理岗", "发证咨询岗"]


def chinese_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def mobile(rng: random.Random) -> str:
    return rng.choice(
        ["135", "136", "138", "139", "150", "151", "158", "177", "186", "189"]
    ) + "".join(str(rng.randrange(10)) for _ in range(8))


class Command(BaseCommand):
    help = "Create or refresh the demo county hall (idempotent)."

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                counts = self.seed()
        except ValidationError as exc:
            raise CommandError(f"The demo catalog breaks a rule: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                "Demo hall ready: " + ", ".join(f"{n} {what}" for what, n in counts.items())
            )
        )
        self.stdout.write(
            f"Demo logins (password {DEMO_PASSWORD}): admin, {CLERK}, {WINDOW_HEAD}, "
            f"{DEPARTMENT_HEAD}, supervisor, director, inspector, applicant"
        )

    # -- helpers ------------------------------------------------------------
    def upsert(self, model, lookup: dict, values: dict, *, validate: bool = False):
        """Create or update one row; saves (and writes history) only when something changed."""
        obj = model.objects.filter(**lookup).first()
        if obj is not None and all(getattr(obj, k) == v for k, v in values.items()):
            return obj
        obj = obj or model(**lookup)
        for key, value in values.items():
            setattr(obj, key, value)
        if validate:
            obj.full_clean()
        obj._change_reason = "demo seed"
        obj._history_user = self.admin
        obj.save()
        return obj

    def user(
        self,
        username: str,
        full_name: str,
        *,
        group: str | None,
        demo_login: bool,
        superuser: bool = False,
    ):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username, first_name=full_name, is_staff=superuser, is_superuser=superuser
            )
            if demo_login:
                user.set_password(DEMO_PASSWORD)
            else:
                user.set_unusable_password()
            user.save()
            if demo_login:
                # Everyone knows the demo password: each demo login chooses its own at
                # its first login (等保 2.0).
                password_change_require(user=user, actor=getattr(self, "admin", None) or user)
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    # -- the hall -----------------------------------------------------------
    def seed(self) -> dict[str, int]:
        rng = random.Random(2026)
        for username, name, group in CENTER_USERS:
            self.user(username, name, group=group, demo_login=True, superuser=group is None)
        # The seed's changes are the administrator's in every object's history.
        self.admin = get_user_model().objects.get(username="admin")

        departments, windows, items = [], [], 0
        zone_counters: dict[str, int] = {}
        order = 0
        for d_index, spec in enumerate(DEPARTMENTS):
            first = d_index == 0
            head = self.user(
                DEPARTMENT_HEAD if first else f"dh{spec['code'].lower()}",
                chinese_name(rng),
                group=Role.DEPARTMENT_HEAD,
                demo_login=first,
            )
            chief = self.user(
                f"cr{spec['code'].lower()}",
                chinese_name(rng),
                group=Role.WINDOW_HEAD,
                demo_login=False,
            )
            department = self.upsert(
                Department,
                {"code": spec["code"]},
                {
                    "name": spec["name"],
                    "short_name": spec["short_name"],
                    "phone": spec["phone"],
                    "head": head,
                    "is_active": True,
                },
            )
            departments.append(department)
            by_number = {}
            for w_spec in spec["windows"]:
                letter = w_spec["zone"][0]
                zone_counters[letter] = zone_counters.get(letter, 0) + 1
                order += 1
                window = self.upsert(
                    Window,
                    {"number": f"{letter}{zone_counters[letter]:02d}"},
                    {
                        "name": w_spec["name"],
                        "department": department,
                        "floor": w_spec["floor"],
                        "zone": w_spec["zone"],
                        "floor_order": order,
                        "chief_representative": chief,
                        "is_active": True,
                    },
                )
                by_number[w_spec["number"]] = window
                windows.append(window)
            for i_spec in spec["items"]:
                item = self.upsert(
                    ServiceItem,
                    {"code": i_spec["code"]},
                    {
                        "name": i_spec["name"],
                        "department": department,
                        "window": by_number.get(i_spec["window"]),
                        "kind": i_spec["kind"],
                        "statutory_limit_days": i_spec["statutory_days"],
                        "promised_limit_days": i_spec["promised_days"],
                        "legal_basis": i_spec["legal_basis"],
                        "preconditions": i_spec["preconditions"],
                        "process": i_spec["process"],
                        "fee_basis": i_spec["fee_basis"],
                        "fee_standard": i_spec["fee_standard"],
                        "is_published": True,
                    },
                    validate=True,
                )
                items += 1
                for m_order, m_spec in enumerate(i_spec["materials"], start=1):
                    self.upsert(
                        ServiceItemMaterial,
                        {"item": item, "order": m_order},
                        {
                            "name": m_spec["name"],
                            "form": m_spec["form"],
                            "copies": m_spec["copies"],
                            "note": m_spec["note"],
                        },
                    )
                item.materials.filter(order__gt=len(i_spec["materials"])).delete()

        staff = self.seed_staff(rng, windows)
        self.seed_dispatch(departments[0], windows[0])
        cases = self.seed_cases(rng, windows[:6])
        ratings = self.seed_complaints(rng, windows[:6])
        findings = self.seed_patrols(rng)
        decisions = self.seed_accountability()
        periods = self.seed_assessment()
        return {
            "cases": cases,
            "ratings": ratings,
            "patrol findings": findings,
            "accountability decisions": decisions,
            "assessment periods": periods,
            "departments": len(departments),
            "windows": len(windows),
            "service items": items,
            "staff": staff,
        }

    def seed_cases(self, rng: random.Random, windows: list[Window]) -> int:
        """Cases of the last weeks at the first windows, through the real services, so
        that the lists show every light. Only once: a hall with cases keeps them."""
        import datetime as dt

        from django.utils import timezone

        from cases import services
        from cases.models import Case
        from hall.calendar import WorkingCalendar

        if Case.objects.exists():
            return Case.objects.count()
        calendar = WorkingCalendar()
        today = timezone.localdate()
        ids = ["11010519491231002X"]
        count = 0
        for window in windows:
            clerk = StaffMember.objects.filter(window=window, role=StaffMember.Role.CLERK).first()
            items = list(ServiceItem.objects.filter(department=window.department))
            if clerk is None or not items:
                continue
            for back in (1, 3, 5, 7, 9, 12, 15, 20, 25):
                day = calendar.add_working_days(today, -back).date
                now = timezone.make_aware(dt.datetime.combine(day, dt.time(9 + back % 7, 15)))
                item = rng.choice(items)
                kind = rng.choice(
                    ["accepted", "accepted", "accepted", "supplement", "consultation"]
                )
                materials = []
                for index, m in enumerate(item.materials.all()):
                    missing = kind == "supplement" and index == 0
                    materials.append(
                        services.MaterialInput(
                            name=m.name,
                            item_material_id=m.pk,
                            received=not missing,
                            pages=rng.randint(1, 6),
                            missing_reason="缺少签字盖章" if missing else "",
                        )
                    )
                if kind == "supplement" and not materials:
                    kind = "accepted"
                applicant = services.ApplicantInput(
                    kind="person",
                    name=chinese_name(rng),
                    id_type="resident_id",
                    id_number=ids[0],
                    phone=mobile(rng),
                )
                services.case_intake(
                    actor=clerk.user,
                    window=window,
                    item=item,
                    kind=kind,
                    applicant=applicant,
                    materials=materials,
                    now=now,
                )
                count += 1
        from cases.sweep import sweep_lights

        sweep_lights()  # the demo opens with its lights, occurrences and alerts in place
        return count

    def seed_complaints(self, rng: random.Random, windows: list[Window]) -> int:
        """Tablets for every window; ratings of finished cases with bad reviews at each
        step of their rectification; complaints at each step, a repeat and a published
        result. Through the real services, once."""
        import datetime as dt

        from django.utils import timezone

        from cases import services as cases
        from cases.models import Case
        from complaints import handling, rectification
        from complaints.models import Complaint, Rating
        from complaints.ratings import rating_submit, tablet_issue
        from complaints.services import complaint_register, complaint_submit_public
        from complaints.sweep import complaints_sweep
        from hall.calendar import WorkingCalendar

        if Rating.objects.exists() or Complaint.objects.exists():
            return Rating.objects.count()
        users = {
            u.username: u
            for u in get_user_model().objects.filter(
                username__in=["supervisor", "inspector", WINDOW_HEAD, DEPARTMENT_HEAD]
            )
        }
        supervisor, inspector = users["supervisor"], users["inspector"]
        now = timezone.now()
        calendar = WorkingCalendar()
        tablets = {}
        for window in Window.objects.filter(is_active=True):
            tablets[window.pk] = tablet_issue(actor=supervisor, window=window, now=now)
        # Three ratings a window; the bad ones at A01 (left for the demo window head to
        # call back), A02 (rectified and closed) and B01 (appealed as invalid).
        plan = {0: [5, 1, 4], 1: [5, 2, 5], 2: [4, 5, 3], 3: [5, 2, 4], 4: [5, 5, 4], 5: [4, 5, 5]}
        rated, steps = [], {1: "closed", 3: "appealed"}
        for position, window in enumerate(windows):
            for case, level in zip(
                Case.objects.filter(status="in_progress", window=window).order_by("received_at"),
                plan.get(position, []),
                strict=False,
            ):
                clerk = StaffMember.objects.filter(window=window, role="clerk").first()
                done = case.received_at + dt.timedelta(days=1, hours=1)
                if clerk is None or done > now:
                    continue
                cases.case_approve(case=case, actor=clerk.user, now=done)
                cases.case_pickup(case=case, actor=clerk.user, now=done + dt.timedelta(hours=2))
                rating = rating_submit(
                    level=level,
                    reasons=["attitude", "slow"] if level <= 2 else ["fast", "clear"][: level - 3],
                    comment="等了很久，也没说清楚还缺什么" if level <= 2 else "",
                    source=rng.choice(["tablet", "tablet", "phone"]),
                    case=case,
                    tablet=tablets[case.window_id],
                    now=done + dt.timedelta(hours=2, minutes=3),
                )
                rated.append((position, rating))
        for position, rating in rated:
            r = getattr(rating, "rectification", None)
            manager = r and (r.window.window_head or r.window.department.head)
            if manager is None or position not in steps:
                continue
            at = r.opened_at + dt.timedelta(hours=3)
            if steps[position] == "closed":  # called back, rectified, reported, closed
                rectification.rectification_callback(
                    actor=manager,
                    rectification=r,
                    note="已电话致歉，申请人接受",
                    complex=False,
                    now=at,
                )
                rectification.rectification_report(
                    actor=manager,
                    rectification=r,
                    result="已组织窗口培训，并回复申请人",
                    now=at + dt.timedelta(hours=1),
                )
                rectification.spot_check_record(
                    actor=inspector,
                    rectification=r,
                    reached=True,
                    confirmed=True,
                    note="申请人表示满意",
                    now=at + dt.timedelta(hours=2),
                )
                rectification.rectification_close(
                    actor=inspector, rectification=r, note="", now=at + dt.timedelta(hours=3)
                )
            else:  # appealed as invalid, waiting for a supervisor
                rectification.rectification_appeal(
                    actor=manager,
                    rectification=r,
                    reason="申请人评价的是其他窗口的业务",
                    now=at,
                )
            # the others wait for their call-back: the sweep flags the late ones
        # Complaints: one waiting, one transferred and late, one published, one repeat.
        first = windows[0]
        member = StaffMember.objects.filter(window=first, role="clerk").first()
        back = calendar.add_working_days(timezone.localdate(), -12).date
        received = timezone.make_aware(dt.datetime.combine(back, dt.time(10, 20)))
        phoned = complaint_register(
            actor=inspector,
            complaint=Complaint(
                channel="phone",
                received_at=received,
                complainant_name="刘建华",
                complainant_phone="13905551234",
                complainant_address="城关镇幸福路 8 号",
                content="办理营业执照时窗口人员态度生硬，材料要求前后说法不一。",
                window=first,
                staff_member=member,
            ),
            now=received,
        )
        handling.complaint_transfer(
            actor=inspector,
            complaint=phoned,
            window=first,
            handler=users[DEPARTMENT_HEAD],
            now=received + dt.timedelta(hours=1),
        )
        published = complaint_submit_public(
            complaint=Complaint(
                complainant_name="孙丽",
                complainant_phone="13700002222",
                content="窗口要求提供清单以外的证明材料。",
                window=windows[1],
            ),
            now=received - dt.timedelta(days=3),
        )
        handling.complaint_transfer(
            actor=inspector,
            complaint=published,
            window=windows[1],
            handler=users[DEPARTMENT_HEAD],
            now=received - dt.timedelta(days=3),
        )
        steps = received - dt.timedelta(days=2)
        handling.complaint_propose(
            actor=users[DEPARTMENT_HEAD],
            complaint=published,
            proposal="撤销额外材料要求",
            now=steps,
        )
        handling.complaint_reply(
            actor=inspector, complaint=published, reply="已电话告知处理结果", now=steps
        )
        handling.complaint_satisfaction(
            actor=inspector, complaint=published, satisfied=True, now=steps
        )
        handling.complaint_conclude(
            actor=inspector,
            complaint=published,
            outcome="verified",
            reasons="经查属实，窗口人员要求提供清单外材料",
            public_summary="经查属实。窗口已撤销清单外材料要求，对相关人员批评教育并通报。",
            now=steps + dt.timedelta(hours=2),
        )
        today = timezone.now() - dt.timedelta(hours=1)
        complaint_register(
            actor=inspector,
            complaint=Complaint(
                channel="hotline",
                received_at=today,
                complainant_name="刘建华",
                complainant_phone="13905551234",
                escalated=True,
                content="上次投诉至今没有答复，又打了12345。",
                window=first,
                staff_member=member,
            ),
            now=timezone.now(),
        )
        complaints_sweep()
        return len(rated)

    def seed_accountability(self) -> int:
        """The occurrences of the demo taken up as cases, and cases of the demo clerk at
        every step: a notice to state and defend awaiting the clerk, a decision in
        force with a circulated criticism that the clerk has appealed (for the
        director to review), a decision above the threshold awaiting the director's
        countersignature, and a rectification order past its deadline that the sweep
        flags. Through the real services, once."""
        import datetime as dt

        from django.utils import timezone

        from accountability import decisions as acc
        from accountability.grouping import case_open, cases_from_occurrences
        from accountability.models import Decision, Rule

        if Decision.objects.exists():
            return Decision.objects.count()
        users = {
            u.username: u
            for u in get_user_model().objects.filter(username__in=["inspector", "director", CLERK])
        }
        inspector, clerk = users["inspector"], users[CLERK]
        window = clerk.staff_member.window
        now = timezone.now()
        cases_from_occurrences(now=now, actor=inspector)
        rules = {r.code: r for r in Rule.objects.all()}

        def heard(code, facts, when, statement=None, origin="inspection"):
            case = case_open(
                actor=inspector,
                rule=rules[code],
                origin=origin,
                facts=facts,
                now=when,
                window=window,
                person=clerk,
            )
            (hearing,) = acc.hearing_start(
                actor=inspector, case=case, charged={"clerk": clerk}, now=when
            )
            if statement:
                acc.hearing_state(
                    actor=clerk,
                    hearing=hearing,
                    statement=statement,
                    now=when + dt.timedelta(hours=2),
                )
            return case

        # Waiting for the clerk's statement.
        heard(
            "R-ACC-4.3",
            "暗访发现：申请人第二次到窗口补交材料时，窗口又提出了首次告知中未列明的材料要求。",
            now - dt.timedelta(hours=3),
        )
        # In force with a circulated criticism; the clerk has appealed.
        case = heard(
            "R-ACC-9",
            "巡查发现：窗口人员对咨询群众态度生硬，群众当场表示不满。",
            now - dt.timedelta(days=1),
            statement="当时排队人数较多，我语气急躁，已向群众道歉。",
        )
        decision = acc.decision_take(
            actor=inspector,
            case=case,
            points={"clerk": 3},
            reasons="经调阅录像并询问当事群众，事实清楚。考虑已主动道歉，扣 3 分并通报批评。",
            now=now - dt.timedelta(hours=20),
        )
        acc.appeal_file(
            actor=clerk,
            decision=decision,
            grounds="群众已表示谅解，请求减轻处理。",
            now=now - dt.timedelta(hours=2),
        )
        # Above the threshold: waits for the director's countersignature.
        case = heard(
            "R-ACC-5.1",
            "一件承诺件超过法定办结时限 2 个工作日仍未办结，系统亮红牌。",
            now - dt.timedelta(days=2),
            statement="因系统故障延误，已补办完毕。",
            origin="other",
        )
        acc.decision_take(
            actor=inspector,
            case=case,
            points={"clerk": 12},
            reasons="超过法定时限，事实清楚；系统故障未及时报告，不予减轻。",
            now=now - dt.timedelta(days=1, hours=20),
        )
        # Decided three weeks ago; the rectification report is late.
        case = heard(
            "R-ACC-4.2",
            "一次性告知单漏列“股东会决议”，申请人往返两次。",
            now - dt.timedelta(days=24),
            statement="对告知单模板理解有误，已修改。",
        )
        acc.decision_take(
            actor=inspector,
            case=case,
            points={"clerk": 6},
            reasons="未一次性告知，造成申请人往返，扣 6 分，书面检查并限期整改告知单模板。",
            now=now - dt.timedelta(days=23),
        )
        acc.sweep(now=now)
        return Decision.objects.count()

    def seed_assessment(self) -> int:
        """Scores through the real services: the month before last final, last month
        published with an objection from the demo clerk for a supervisor to answer,
        commendations, and some 德能勤绩廉 marks of the year. Once."""
        import datetime as dt
        import io

        from django.core.files.base import ContentFile
        from django.utils import timezone
        from PIL import Image

        from assessment import services as svc
        from assessment.annual import merit_rate
        from assessment.models import Period, Score

        if Period.objects.exists():
            return Period.objects.count()
        users = {
            u.username: u
            for u in get_user_model().objects.filter(
                username__in=["supervisor", "director", "windowhead", CLERK]
            )
        }
        supervisor, director, clerk = users["supervisor"], users["director"], users[CLERK]
        now = timezone.now()
        last = svc.previous_month(timezone.localdate(now))
        before = svc.previous_month(last)

        def evidence() -> ContentFile:
            out = io.BytesIO()
            Image.new("RGB", (320, 200), (200, 30, 30)).save(out, "PNG")
            return ContentFile(out.getvalue(), name="letter.png")

        member = clerk.staff_member
        svc.commendation_record(
            actor=supervisor,
            kind="thanks",
            window=member.window,
            member=None,
            on=last + dt.timedelta(days=9),
            description="群众送来感谢信，表扬窗口耐心细致。",
            evidence=evidence(),
            now=now,
        )
        svc.commendation_record(
            actor=supervisor,
            kind="good_deed",
            window=member.window,
            member=member,
            on=last + dt.timedelta(days=16),
            description="拾到申请人遗失的钱包并归还。",
            evidence=evidence(),
            now=now,
        )
        # The month before last: published after its first working days, final since.
        published = timezone.make_aware(
            dt.datetime.combine(last + dt.timedelta(days=7), dt.time(10))
        )
        period = svc.period_compute(kind="month", start=before, actor=None, now=published)
        svc.period_review(period=period, actor=supervisor, now=published)
        svc.period_publish(period=period, actor=director, now=published)
        svc.period_finalise(period=period, actor=director, now=published + dt.timedelta(days=10))
        # Last month: published today; the clerk objects to their score.
        period = svc.period_compute(kind="month", start=last, actor=None, now=now)
        svc.period_review(period=period, actor=supervisor, now=now)
        svc.period_publish(period=period, actor=director, now=now)
        score = Score.objects.get(period=period, member=member)
        svc.objection_file(
            score=score,
            actor=clerk,
            now=now,
            grounds="本月 16 日的拾金不昧好人好事已加分，但群众电话表扬未计入，请核实。",
        )
        marks = {"conduct": 92, "ability": 88, "diligence": 95, "results": 90, "integrity": 96}
        merit_rate(year=now.year, member=member, actor=clerk, marks=marks, now=now)
        merit_rate(
            year=now.year,
            member=member,
            actor=director,
            now=now,
            marks={**marks, "ability": 85, "results": 87},
        )
        if "windowhead" in users:
            merit_rate(
                year=now.year,
                member=member,
                actor=users["windowhead"],
                now=now,
                marks={**marks, "conduct": 90},
            )
        return Period.objects.count()

    def seed_patrols(self, rng: random.Random) -> int:
        """Two patrol rounds on each of the last six working days, signed off, with
        findings for the weekly summary; one afternoon not walked and one morning that
        missed two windows, for the coverage view; a finding disputed by the demo window
        head waiting for the supervisor, and today's morning round with a finding at A01
        still open to dispute. Through the real services, once."""
        import datetime as dt

        from django.utils import timezone

        from hall.calendar import WorkingCalendar
        from patrols import services as patrols
        from patrols.models import ChecklistItem, Finding, Round
        from staff.models import StaffMember

        if Round.objects.exists():
            return Finding.objects.count()
        users = {
            u.username: u
            for u in get_user_model().objects.filter(
                username__in=["supervisor", "director", WINDOW_HEAD]
            )
        }
        supervisor, director = users["supervisor"], users["director"]
        windows = list(patrols.active_windows())
        items = {i.code: i for i in ChecklistItem.objects.all()}
        now = timezone.now()
        calendar = WorkingCalendar()
        days, day = [], timezone.localdate(now)
        while len(days) < 6:
            day -= dt.timedelta(days=1)
            if calendar.is_working_day(day):
                days.append(day)
        days.reverse()
        at = lambda d, h, m: timezone.make_aware(dt.datetime.combine(d, dt.time(h, m)))  # noqa: E731
        # (day index, half, window position, item code) of each finding.
        plan = [
            (0, "morning", 0, "tidiness"),
            (0, "afternoon", 2, "phone"),
            (1, "morning", 4, "dress"),
            (2, "morning", 1, "conduct"),
            (2, "afternoon", 0, "dress"),
            (3, "morning", 3, "tidiness"),
            (4, "afternoon", 1, "phone"),
            (4, "afternoon", 5, "dissatisfaction"),
            (5, "morning", 0, "tidiness"),
        ]
        notes = {
            "tidiness": "桌面资料堆放杂乱",
            "phone": "电话铃响五声后才接听",
            "dress": "未佩戴工作牌",
            "conduct": "与办事群众交流时语气生硬",
            "dissatisfaction": "办事群众现场反映等候时间过长",
        }
        people = {}
        for member in StaffMember.objects.filter(is_active=True, window__isnull=False):
            people.setdefault(member.window_id, member)
        count = 0
        for index, day in enumerate(days):
            for half, hour in (("morning", 9), ("afternoon", 14)):
                if index == 3 and half == "afternoon":
                    continue  # not walked: the coverage view shows it missed
                walker = director if index == 1 else supervisor
                start = at(day, hour, 40 if index % 2 else 15)
                round_, _created = patrols.round_start(actor=walker, now=start, half=half)
                for position, window in enumerate(windows):
                    if index == 2 and half == "morning" and position in (6, 7):
                        continue  # two windows missed
                    when = start + dt.timedelta(minutes=position)
                    found = [p for p in plan if p[:3] == (index, half, position)]
                    if not found:
                        patrols.check_pass(actor=walker, round_=round_, window=window, now=when)
                        continue
                    item = items[found[0][3]]
                    patrols.finding_record(
                        actor=walker,
                        round_=round_,
                        window=window,
                        item=item,
                        person=people.get(window.pk) if item.subject == "person" else None,
                        note=notes[item.code],
                        now=when,
                    )
                    count += 1
                round_.refresh_from_db()
                if round_.status == Round.Status.COMPLETE:
                    patrols.round_sign(
                        actor=walker, round_=round_, now=start + dt.timedelta(minutes=30)
                    )
        # The last finding at A01 disputed by its window head, waiting for a decision.
        last_a01 = Finding.objects.filter(window=windows[0]).order_by("-recorded_at").first()
        head = windows[0].window_head or users.get(WINDOW_HEAD)
        if last_a01 is not None and head is not None and patrols.may_dispute(head, last_a01):
            patrols.finding_dispute(
                actor=head,
                finding=last_a01,
                reason="巡查时正在为群众调取档案，资料临时摆放，已即时整理。",
                now=last_a01.recorded_at + dt.timedelta(hours=2),
            )
        # Today's morning round, once the hall has opened on a working day.
        today = timezone.localdate(now)
        if calendar.is_working_day(today) and timezone.localtime(now).time() > dt.time(10, 0):
            start = at(today, 9, 20)
            round_, _created = patrols.round_start(actor=supervisor, now=start, half="morning")
            for position, window in enumerate(windows):
                when = start + dt.timedelta(minutes=position)
                if position == 0:
                    patrols.finding_record(
                        actor=supervisor,
                        round_=round_,
                        window=window,
                        item=items["tidiness"],
                        note="窗口台面摆放私人物品",
                        now=when,
                    )
                    count += 1
                else:
                    patrols.check_pass(actor=supervisor, round_=round_, window=window, now=when)
            patrols.round_sign(
                actor=supervisor, round_=round_, now=start + dt.timedelta(minutes=40)
            )
        return count

    def seed_staff(self, rng: random.Random, windows: list[Window]) -> int:
        """100 posts in A/B pairs: the first 40 windows have two posts, the others one."""
        count = 0
        since = random.Random(5)  # its own sequence: the names stay as they were
        for w_index, window in enumerate(windows):
            posts = 2 if w_index < 40 else 1
            for p_index in range(posts):
                post = self.upsert(
                    Post, {"window": window, "name": POST_NAMES[p_index]}, {"order": p_index + 1}
                )
                for slot in (StaffMember.Slot.A, StaffMember.Slot.B):
                    count += 1
                    is_head = p_index == 0 and slot == StaffMember.Slot.A
                    first_window = w_index == 0
                    if first_window and is_head:
                        username, demo_login = WINDOW_HEAD, True
                    elif first_window and p_index == 0:
                        username, demo_login = CLERK, True
                    else:
                        username, demo_login = f"s{count:03d}", False
                    name = chinese_name(rng)
                    phone = mobile(rng)
                    gender = rng.choice(StaffMember.Gender.values)
                    role = Role.WINDOW_HEAD if is_head else Role.CLERK
                    user = self.user(username, name, group=role, demo_login=demo_login)
                    self.upsert(
                        StaffMember,
                        {"user": user},
                        {
                            "name": user.first_name,
                            "gender": gender,
                            "phone": phone,
                            "department": window.department,
                            "window": window,
                            "post": post,
                            "slot": slot,
                            "role": StaffMember.Role.WINDOW_HEAD
                            if is_head
                            else StaffMember.Role.CLERK,
                            "is_active": True,
                            "on_post_since": dt.date(2023, 1, 3)
                            + dt.timedelta(days=since.randrange(0, 1200)),
                        },
                        validate=True,
                    )
                    if is_head:
                        self.upsert(Window, {"pk": window.pk}, {"window_head": user})
        return count

    def seed_dispatch(self, department: Department, window: Window) -> None:
        """Four proposals of the first department, one at each step of R-ORG-3, and a
        swap waiting for the center (R-ORG-4)."""
        from django.utils import timezone

        from hall.identity import resident_id_check_char
        from staff.models import Dispatch, SwapRequest

        now = timezone.now()
        head = department.head
        supervisor = get_user_model().objects.get(username="supervisor")
        passed = {f"{k}_passed": True for k in Dispatch.POINTS}
        steps = [
            ("赵晓雯", dt.date(1996, 4, 18), "F", {}),
            ("钱立群", dt.date(1981, 9, 2), "M", {}),  # over the age guidance: a warning
            ("孙嘉怡", dt.date(1994, 12, 1), "F", {**passed, "status": "passed"}),
            (
                "周子涵",
                dt.date(1998, 2, 14),
                "F",
                {
                    **passed,
                    "status": "trained",
                    "training_title": "岗前培训：政策法规、业务知识、礼仪服务",
                    "training_on": (now - dt.timedelta(days=1)).date(),
                    "training_hours": Decimal("16.0"),
                },
            ),
            (
                "李浩然",
                dt.date(1992, 6, 30),
                "M",
                {
                    **passed,
                    "computer_passed": False,
                    "computer_note": "不能独立操作审批系统",
                    "status": "failed",
                },
            ),
        ]
        dispatches = []
        for serial, (name, birth, gender, review) in enumerate(steps, start=101):
            first = f"110105{birth:%Y%m%d}{serial}"
            values = {
                "department": department,
                "window": window,
                "role": Dispatch.Role.CLERK,
                "name": name,
                "gender": gender,
                "birth_date": birth,
                "phone": f"1390000{serial:04d}",
                "employment": Dispatch.Employment.CIVIL_SERVANT,
                "education": "大学本科",
                "qualifications": "行政执法证；熟悉市场主体登记业务",
                "proposed_by": head,
                "proposed_at": now - dt.timedelta(days=3),
                "status": Dispatch.Status.PROPOSED,
            }
            if review:
                values.update(review)
                values.update(
                    {"reviewed_by": supervisor, "reviewed_at": now - dt.timedelta(days=1)}
                )
            existing = Dispatch.objects.filter(id_number=first + resident_id_check_char(first))
            if existing.exists():
                dispatches.append(existing.get())
                continue
            dispatches.append(
                self.upsert(Dispatch, {"id_number": first + resident_id_check_char(first)}, values)
            )
        leaving = (
            StaffMember.objects.filter(window=window, slot=StaffMember.Slot.B)
            .exclude(user__username=CLERK)
            .first()
        )
        if leaving and not SwapRequest.objects.filter(leaving=leaving).exists():
            self.upsert(
                SwapRequest,
                {"leaving": leaving},
                {
                    "department": department,
                    "incoming": dispatches[2],
                    "reason": SwapRequest.Reason.PROMOTED,
                    "explanation": "原单位提拔任用",
                    "effective_on": (now + dt.timedelta(days=14)).date(),
                    "requested_by": head,
                    "requested_at": now - dt.timedelta(days=2),
                },
            )
