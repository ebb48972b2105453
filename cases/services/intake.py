"""First inquiries and taking in a case of one of the four kinds (R-FIRST-1, R-CASE-1..3, N-1)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accountability.services import occurrence_record
from hall.calendar import WorkingCalendar
from hall.identity import validate_credit_code, validate_mobile, validate_resident_id
from hall.validators import clean_text
from windows.models import ServiceItem

from ..access import require_window_staff
from ..clock import apply_dues
from ..models import Case, CaseMaterial, CasePart, FirstInquiry, Notice
from ..numbering import new_tracking_code, next_case_number
from .common import item_snapshot, local_date, notice_issue, require_status, save_case


@dataclass(frozen=True)
class ApplicantInput:
    kind: str  # Case.ApplicantKind
    name: str
    id_type: str
    id_number: str
    phone: str
    contact_name: str = ""


@dataclass(frozen=True)
class MaterialInput:
    name: str
    item_material_id: int | None = None
    received: bool = False
    pages: int = 0
    missing_reason: str = ""


@dataclass(frozen=True)
class PartInput:
    window: object
    description: str


@dataclass
class _Errors:
    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


# A material's page count, as the intake form allows it (and within the column).
MAX_PAGES = 9999

_DOCUMENT_RE = re.compile(r"^[A-Za-z0-9]{5,20}$")


def clean_applicant(applicant: ApplicantInput, *, id_required: bool) -> ApplicantInput:
    """Validate the applicant's numbers; each message says which rule failed."""
    errors = _Errors()
    name = applicant.name.strip()
    if not name:
        errors.add("applicant_name", _("Enter the applicant's name."))
    id_number = applicant.id_number.strip()
    if applicant.kind == Case.ApplicantKind.ORGANISATION and applicant.id_type != "credit_code":
        errors.add("id_type", _("An organisation is identified by its unified social credit code."))
    if applicant.kind == Case.ApplicantKind.PERSON and applicant.id_type == "credit_code":
        errors.add("id_type", _("A person is identified by an identity document."))
    if id_number or id_required:
        try:
            if applicant.id_type == "resident_id":
                id_number = validate_resident_id(id_number)
            elif applicant.id_type == "credit_code":
                id_number = validate_credit_code(id_number)
            elif not _DOCUMENT_RE.match(id_number):
                raise ValidationError(
                    _("A passport or permit number has 5 to 20 letters and digits.")
                )
        except ValidationError as exc:
            for message in exc.messages:
                errors.add("id_number", message)
    phone = applicant.phone
    try:
        phone = validate_mobile(applicant.phone)
    except ValidationError as exc:
        for message in exc.messages:
            errors.add("phone", message)
    errors.raise_if_any()
    return ApplicantInput(
        applicant.kind, name, applicant.id_type, id_number, phone, applicant.contact_name.strip()
    )


@transaction.atomic
def inquiry_record(
    *,
    actor,
    window,
    now: dt.datetime,
    channel: str,
    subject: str,
    disposition: str,
    inquirer_name: str = "",
    inquirer_phone: str = "",
    referred_to_user=None,
    referred_to_window=None,
    other_department: str = "",
    other_contact: str = "",
    note: str = "",
    acting_for=None,
) -> FirstInquiry:
    """R-FIRST-1: the first person asked records the inquiry and what became of it."""
    require_window_staff(actor, window)
    errors = _Errors()
    if not subject.strip():
        errors.add("subject", _("Say what the inquiry is about."))
    if channel not in {c for c, _label in FirstInquiry._meta.get_field("channel").choices}:
        errors.add("channel", _("Choose how the inquiry came in."))
    if disposition not in FirstInquiry.Disposition.values:
        errors.add("disposition", _("Choose what became of the inquiry."))
    D = FirstInquiry.Disposition
    if disposition == D.COLLEAGUE and referred_to_user is None:
        errors.add("referred_to_user", _("Name the colleague it was referred to."))
    if disposition == D.WINDOW:
        if referred_to_window is None:
            errors.add("referred_to_window", _("Choose the window it was referred to."))
        elif referred_to_window.pk == window.pk:
            errors.add("referred_to_window", _("Refer it to another window than your own."))
    if disposition == D.NOT_THIS_HALL and not (other_department.strip() and other_contact.strip()):
        errors.add("other_department", _("Give the responsible department and its contact."))
    if disposition == D.REPORT and not (inquirer_name.strip() and inquirer_phone.strip()):
        # R-FIRST-1: reports and complaints are recorded with the reporter's name and phone.
        errors.add("inquirer_name", _("A report or complaint needs the reporter's name and phone."))
    if inquirer_phone.strip():
        try:
            inquirer_phone = validate_mobile(inquirer_phone)
        except ValidationError:
            if not re.match(r"^[0-9\-]{7,20}$", inquirer_phone.strip()):
                errors.add("inquirer_phone", _("Enter a mobile or landline number."))
    errors.raise_if_any()
    inquiry = FirstInquiry(
        window=window,
        received_by=actor,
        acting_for=acting_for,
        received_at=now,
        channel=channel,
        inquirer_name=inquirer_name.strip(),
        inquirer_phone=inquirer_phone.strip(),
        subject=subject.strip(),
        disposition=disposition,
        referred_to_user=referred_to_user if disposition == D.COLLEAGUE else None,
        referred_to_window=referred_to_window if disposition == D.WINDOW else None,
        other_department=other_department.strip(),
        other_contact=other_contact.strip(),
        note=note.strip(),
    )
    inquiry._history_user = actor
    inquiry.save()
    return inquiry


@transaction.atomic
def case_intake(
    *,
    actor,
    window,
    item: ServiceItem,
    kind: str,
    applicant: ApplicantInput,
    materials: list[MaterialInput],
    now: dt.datetime,
    received_at: dt.datetime | None = None,
    returned_reasons: str = "",
    leader_assigned: str = "",
    parts: list[PartInput] | tuple = (),
    inquiry: FirstInquiry | None = None,
    acting_for=None,
) -> Case:
    """Take in a visit as a consultation, supplement, returned or accepted case (R-CASE-1)."""
    require_window_staff(actor, window)
    if not item.is_published or item.department_id != window.department_id:
        raise ValidationError(
            {
                "item": _("%(item)s is not handled at window %(window)s.")
                % {"item": item.name, "window": window.number}
            }
        )
    if kind not in Case.Kind.values:
        raise ValidationError({"kind": _("Choose one of the four kinds.")})
    applicant = clean_applicant(applicant, id_required=kind != Case.Kind.CONSULTATION)
    received_at = received_at or now
    if received_at > now:
        raise ValidationError({"received_at": _("The materials cannot arrive in the future.")})

    errors = _Errors()
    received = [m for m in materials if m.received]
    missing = [m for m in materials if not m.received]
    for m in received:
        if m.pages < 1:
            errors.add("materials", _("Give the page count of %(name)s.") % {"name": m.name})
    required_ids = set(item.materials.values_list("pk", flat=True))
    given_ids = {m.item_material_id for m in received}
    if kind == Case.Kind.ACCEPTED and required_ids - given_ids:
        names = ", ".join(
            item.materials.filter(pk__in=required_ids - given_ids).values_list("name", flat=True)
        )
        errors.add(
            "materials",
            _(
                "Not every required material was received (%(names)s): "
                "take it in as a supplement case."
            )
            % {"names": names},
        )
    if kind == Case.Kind.SUPPLEMENT:
        listed = {m.item_material_id for m in materials}
        if required_ids - listed:
            # R-CASE-3: the notice lists *all* missing items at once.
            errors.add("materials", _("List every required material, received or missing."))
        if not missing:
            errors.add("materials", _("A supplement case lists at least one missing material."))
        for m in missing:
            if not m.missing_reason.strip():
                errors.add(
                    "materials",
                    _("Say why %(name)s is needed or what is wrong with it.") % {"name": m.name},
                )
    if kind == Case.Kind.RETURNED and not returned_reasons.strip():
        errors.add("returned_reasons", _("Write the reasons for returning the application."))
    if parts and (kind != Case.Kind.ACCEPTED or item.kind != ServiceItem.Kind.PROMISED):
        errors.add("parts", _("Only an accepted promised case can be handled jointly."))
    for part in parts:
        if part.window.pk == window.pk:
            errors.add("parts", _("The lead window does not have a part of its own."))
    errors.raise_if_any()

    case = Case(
        number=next_case_number(window, local_date(now).year),
        tracking_code=new_tracking_code(),
        window=window,
        item=item,
        kind=kind,
        leader_assigned=leader_assigned,
        applicant_kind=applicant.kind,
        applicant_name=applicant.name,
        id_type=applicant.id_type,
        id_number=applicant.id_number,
        phone=applicant.phone,
        contact_name=applicant.contact_name,
        received_at=received_at,
        returned_reasons=returned_reasons.strip(),
        created_by=actor,
    )
    calendar = WorkingCalendar()
    Status = Case.Status
    if kind == Case.Kind.CONSULTATION:
        case.status = Status.CONSULTED
    elif kind == Case.Kind.RETURNED:
        case.status = Status.RETURNED
    elif kind == Case.Kind.SUPPLEMENT:
        case.status = Status.AWAITING_SUPPLEMENT
        received_on, notice_on = local_date(received_at), local_date(now)
        late = calendar.working_days_between(received_on, notice_on).days
        if late > settings.HALL_SUPPLEMENT_NOTICE_DAYS:
            # N-1 art. 32: a supplement notice given too late: the case counts as
            # accepted on the day the materials arrived, and its clock runs.
            case.accepted_on = received_on
            apply_dues(case, calendar)
    else:
        case.accepted_on = local_date(received_at)
        apply_dues(case, calendar)
        if item.kind == ServiceItem.Kind.IMMEDIATE:
            # 即办件: done on the spot and handed over.
            case.status = Status.PICKED_UP
            case.completed_at = case.picked_up_at = now
        else:
            case.status = Status.IN_PROGRESS
    save_case(case, actor, acting_for, "intake")

    for m in materials:
        material = CaseMaterial(
            case=case,
            item_material_id=m.item_material_id,
            name=m.name,
            received=m.received,
            pages=m.pages if m.received else 0,
            received_at=received_at if m.received else None,
            missing_reason=m.missing_reason.strip(),
        )
        material._history_user = actor
        material.save()
    for part in parts:
        CasePart.objects.create(
            case=case, window=part.window, description=part.description, due_date=case.promised_due
        )
    if inquiry is not None:
        inquiry.case = case
        inquiry.disposition = FirstInquiry.Disposition.CASE
        inquiry._history_user = actor
        inquiry.save()

    _issue_intake_documents(case, actor=actor, acting_for=acting_for, now=now, missing=missing)
    return case


def _issue_intake_documents(case: Case, *, actor, acting_for, now, missing) -> None:
    K = Notice.Kind
    if case.kind == Case.Kind.CONSULTATION:
        notice_issue(
            case,
            K.ONE_TIME,
            actor=actor,
            acting_for=acting_for,
            now=now,
            body=item_snapshot(case.item),
        )
    elif case.kind == Case.Kind.RETURNED:
        notice_issue(
            case,
            K.RETURN,
            actor=actor,
            acting_for=acting_for,
            now=now,
            body={"reasons": case.returned_reasons},
        )
    elif case.kind == Case.Kind.SUPPLEMENT:
        _supplement_notice(case, missing, actor=actor, acting_for=acting_for, now=now)
    else:
        _acceptance_documents(case, actor=actor, acting_for=acting_for, now=now)


def _acceptance_documents(case: Case, *, actor, acting_for, now) -> None:
    """R-CASE-1, R-CASE-2: an acceptance notice with the due date and a receipt of materials."""
    dues = {
        "accepted_on": case.accepted_on.isoformat(),
        "promised_due": case.promised_due.isoformat(),
        "statutory_due": case.statutory_due.isoformat(),
        "provisional": case.due_provisional,
    }
    if case.status == Case.Status.IN_PROGRESS:
        notice_issue(
            case, Notice.Kind.ACCEPTANCE, actor=actor, acting_for=acting_for, now=now, body=dues
        )
    materials = [{"name": m.name, "pages": m.pages} for m in case.materials.filter(received=True)]
    notice_issue(
        case,
        Notice.Kind.RECEIPT,
        actor=actor,
        acting_for=acting_for,
        now=now,
        body={**dues, "materials": materials, "pickup_on": case.promised_due.isoformat()},
    )


def _supplement_notice(case: Case, missing, *, actor, acting_for, now) -> Notice:
    body = item_snapshot(case.item)
    body["required_ids"] = [m["id"] for m in body["materials"]]
    body["missing"] = [
        {"id": m.item_material_id, "name": m.name, "reason": m.missing_reason.strip()}
        for m in missing
    ]
    notice = notice_issue(
        case, Notice.Kind.SUPPLEMENT, actor=actor, acting_for=acting_for, now=now, body=body
    )
    notice_integrity_check(notice)
    return notice


def notice_integrity_check(notice: Notice) -> bool:
    """R-CASE-3, R-ACC-4.2: a later supplement notice that names a material the item
    already required when the first notice was given, but which the first notice did not
    name, means the first notice was incomplete. Records one occurrence per notice, however
    often it runs; returns whether the notice breaks the rule."""
    first = (
        notice.case.notices.filter(kind=Notice.Kind.SUPPLEMENT)
        .exclude(pk=notice.pk)
        .filter(issued_at__lte=notice.issued_at)
        .order_by("issued_at", "id")
        .first()
    )
    if first is None:
        return False
    required_then = set(first.body.get("required_ids", []))
    named_first = {m["id"] for m in first.body.get("missing", []) if m.get("id")}
    named_now = {m["id"] for m in notice.body.get("missing", []) if m.get("id")}
    omitted = (named_now & required_then) - named_first
    if not omitted:
        return False
    names = [m["name"] for m in notice.body["missing"] if m.get("id") in omitted]
    occurrence_record(
        rule="R-ACC-4.2",
        source=notice,
        occurred_at=notice.issued_at,
        window=notice.case.window,
        person=first.issued_by,
        acting_for=first.acting_for,
        detail=_("The first supplement notice did not name: %(names)s")
        % {"names": "、".join(names)},
    )
    return True


@transaction.atomic
def supplement_notice_issue(
    *, case: Case, actor, now: dt.datetime, missing: list[MaterialInput], acting_for=None
) -> Notice:
    """Another supplement notice on a waiting case (checked for one-time-notice integrity)."""
    require_window_staff(actor, case.window)
    require_status(
        case, Case.Status.AWAITING_SUPPLEMENT, action=_("sent another supplement notice")
    )
    if not missing or any(not m.missing_reason.strip() for m in missing):
        raise ValidationError({"materials": _("List each missing material with the reason.")})
    limit = CaseMaterial._meta.get_field("missing_reason").max_length
    for m in missing:
        # The reasons go into the materials and the notice's JSON body as typed.
        clean_text(m.missing_reason, field="materials", max_length=limit)
    for m in missing:
        existing = case.materials.filter(item_material_id=m.item_material_id, name=m.name).first()
        if existing is None:
            CaseMaterial.objects.create(
                case=case,
                item_material_id=m.item_material_id,
                name=m.name,
                missing_reason=m.missing_reason.strip(),
            )
        elif existing.received:
            existing.received = False
            existing.missing_reason = m.missing_reason.strip()
            existing._history_user = actor
            existing.save()
    save_case(case, actor, acting_for, "supplement notice")
    return _supplement_notice(case, missing, actor=actor, acting_for=acting_for, now=now)


@transaction.atomic
def supplement_receive(
    *, case: Case, actor, now: dt.datetime, pages: dict[int, int], acting_for=None
) -> Case:
    """The applicant came back: tick what arrived (case material id → pages). When
    nothing is missing any more the case is accepted (R-CASE-1)."""
    require_window_staff(actor, case.window)
    require_status(case, Case.Status.AWAITING_SUPPLEMENT, action=_("given materials"))
    waiting = {m.pk: m for m in case.materials.filter(received=False)}
    unknown = set(pages) - set(waiting)
    if unknown or not pages:
        raise ValidationError({"materials": _("Tick the materials that arrived.")})
    for pk, count in pages.items():
        if count < 1:
            raise ValidationError(
                {"materials": _("Give the page count of %(name)s.") % {"name": waiting[pk].name}}
            )
        if count > MAX_PAGES:
            raise ValidationError(
                {
                    "materials": _("%(name)s cannot have more than %(max)s pages.")
                    % {"name": waiting[pk].name, "max": MAX_PAGES}
                }
            )
        material = waiting[pk]
        material.received, material.pages, material.received_at = True, count, now
        material._history_user = actor
        material.save()
    if case.materials.filter(received=False).exists():
        save_case(case, actor, acting_for, "materials received")
        return case
    calendar = WorkingCalendar()
    if case.accepted_on is None:
        case.accepted_on = local_date(now)
    apply_dues(case, calendar)
    if case.item.kind == ServiceItem.Kind.IMMEDIATE:
        case.status = Case.Status.PICKED_UP
        case.completed_at = case.picked_up_at = now
    else:
        case.status = Case.Status.IN_PROGRESS
    save_case(case, actor, acting_for, "accepted after supplement")
    _acceptance_documents(case, actor=actor, acting_for=acting_for, now=now)
    return case
