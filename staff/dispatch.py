"""Dispatch under dual management (R-ORG-3): the department proposes, the center
reviews four points and trains, and only then is the person put on post.

A person exists as a `StaffMember` — and so may act on cases — only once put on
post; until then they are a `Dispatch`, which is how the gate holds.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.identity import validate_mobile, validate_resident_id
from hall.roles import Role

from .models import Dispatch, StaffMember, TrainingRecord
from .posts import post_change_record
from .selectors import is_center, scope_for_user


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_warning(dispatch: Dispatch, day: dt.date) -> str:
    """R-ORG-3: the age guidance, as a warning for the reviewer; never a block."""
    limit = (
        settings.HALL_AGE_GUIDANCE_HEAD
        if dispatch.role == Dispatch.Role.WINDOW_HEAD
        else settings.HALL_AGE_GUIDANCE_CLERK
    )
    age = age_on(dispatch.birth_date, day)
    if age <= limit:
        return ""
    return _(
        "%(name)s is %(age)s; the guidance for a %(role)s is %(limit)s or under "
        "(“in principle”: a warning, not a bar)."
    ) % {"name": dispatch.name, "age": age, "role": dispatch.get_role_display(), "limit": limit}


def birth_date_of(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def _require_center(actor) -> None:
    if not is_center(actor):
        raise PermissionDenied(_("Only the center reviews, trains and puts people on post."))


@transaction.atomic
def dispatch_propose(*, actor, dispatch: Dispatch, now: dt.datetime) -> Dispatch:
    """A department proposes a person (the registration form's data)."""
    scope = scope_for_user(actor)
    if not (actor.is_superuser or dispatch.department_id in scope.act_department_ids):
        raise PermissionDenied(_("Only the head of the department proposes its people."))
    errors = {}
    try:
        dispatch.id_number = validate_resident_id(dispatch.id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    else:
        if dispatch.birth_date and birth_date_of(dispatch.id_number) != dispatch.birth_date:
            errors["birth_date"] = [_("The date of birth does not match the ID number.")]
    try:
        dispatch.phone = validate_mobile(dispatch.phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if dispatch.window.department_id != dispatch.department_id:
        errors["window"] = [_("The window is staffed by another department.")]
    if dispatch.post_id and dispatch.post.window_id != dispatch.window_id:
        errors["post"] = [_("The post belongs to another window.")]
    if dispatch.post_id and not dispatch.slot:
        errors["slot"] = [_("Say whether the person is to be the A or the B holder.")]
    if not dispatch.qualifications.strip():
        errors["qualifications"] = [_("List the person's qualifications.")]
    if (
        "id_number" not in errors
        and Dispatch.objects.filter(id_number=dispatch.id_number)
        .exclude(status__in=[Dispatch.Status.FAILED, Dispatch.Status.WITHDRAWN])
        .exclude(member__is_active=False)
        .exists()
    ):
        errors["id_number"] = [_("This person is already proposed or on post.")]
    if errors:
        raise ValidationError(errors)
    dispatch.proposed_by, dispatch.proposed_at = actor, now
    dispatch.status = Dispatch.Status.PROPOSED
    dispatch._history_user = actor
    dispatch.save()
    return dispatch


@transaction.atomic
def dispatch_review(
    *, actor, dispatch: Dispatch, results: dict[str, tuple[bool | None, str]], now: dt.datetime
) -> Dispatch:
    """The center's review of the four points, each passed or failed with a note.

    Any failed point fails the review; a failed person cannot be put on post.
    """
    _require_center(actor)
    if dispatch.status != Dispatch.Status.PROPOSED:
        raise ValidationError(_("This proposal has been reviewed already."))
    errors = {}
    for key in Dispatch.POINTS:
        passed, note = results.get(key, (None, ""))
        if passed is None:
            errors[f"{key}_passed"] = [_("Say whether this point passed or failed.")]
        elif not passed and not note.strip():
            errors[f"{key}_note"] = [_("Say why this point failed.")]
        setattr(dispatch, f"{key}_passed", passed)
        setattr(dispatch, f"{key}_note", note.strip())
    if errors:
        raise ValidationError(errors)
    all_passed = all(getattr(dispatch, f"{key}_passed") for key in Dispatch.POINTS)
    dispatch.status = Dispatch.Status.PASSED if all_passed else Dispatch.Status.FAILED
    dispatch.reviewed_by, dispatch.reviewed_at = actor, now
    dispatch._history_user = actor
    dispatch.save()
    return dispatch


def _gate(dispatch: Dispatch, wanted: str) -> None:
    if dispatch.status == wanted:
        return
    messages = {
        Dispatch.Status.PROPOSED: _("The center has not reviewed this person yet."),
        Dispatch.Status.FAILED: _("%(name)s failed the review and cannot be put on post."),
        Dispatch.Status.PASSED: _("Record the pre-service training first."),
        Dispatch.Status.TRAINED: _("The pre-service training is recorded already."),
        Dispatch.Status.ON_POST: _("%(name)s is on post already."),
        Dispatch.Status.WITHDRAWN: _("This proposal was withdrawn."),
    }
    raise ValidationError(messages[dispatch.status] % {"name": dispatch.name})


@transaction.atomic
def dispatch_train(
    *,
    actor,
    dispatch: Dispatch,
    title: str,
    trained_on: dt.date,
    hours,
    now: dt.datetime,
) -> Dispatch:
    """Pre-service training (policy, business, etiquette) after a passed review."""
    _require_center(actor)
    _gate(dispatch, Dispatch.Status.PASSED)
    errors = {}
    if not title.strip():
        errors["training_title"] = [_("Name the course.")]
    if trained_on is None or trained_on > timezone.localtime(now).date():
        errors["training_on"] = [_("Give the day the training took place (not a future day).")]
    if hours is None or hours <= 0:
        errors["training_hours"] = [_("Give the hours of training.")]
    if errors:
        raise ValidationError(errors)
    dispatch.training_title, dispatch.training_on = title.strip(), trained_on
    dispatch.training_hours = hours
    dispatch.status = Dispatch.Status.TRAINED
    dispatch._history_user = actor
    dispatch.save()
    return dispatch


@transaction.atomic
def dispatch_put_on_post(
    *, actor, dispatch: Dispatch, username: str, now: dt.datetime
) -> tuple[StaffMember, str]:
    """Open the person's account and put them on post; returns the member and a
    one-time initial password for the center to hand over."""
    _require_center(actor)
    _gate(dispatch, Dispatch.Status.TRAINED)
    User = get_user_model()
    username = username.strip()
    if not username:
        raise ValidationError({"username": _("Choose a login name.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This login name is taken.")})
    password = secrets.token_urlsafe(9)
    user = User.objects.create_user(username=username, password=password)
    user.first_name = dispatch.name
    user.save(update_fields=["first_name"])
    role = Role.WINDOW_HEAD if dispatch.role == Dispatch.Role.WINDOW_HEAD else Role.CLERK
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    if role == Role.WINDOW_HEAD:
        user.groups.add(Group.objects.get_or_create(name=Role.CLERK.value)[0])
    today = timezone.localtime(now).date()
    post_free = (
        dispatch.post_id
        and not StaffMember.objects.filter(post_id=dispatch.post_id, slot=dispatch.slot).exists()
    )
    member = StaffMember(
        user=user,
        name=dispatch.name,
        gender=dispatch.gender,
        phone=dispatch.phone,
        department=dispatch.department,
        window=dispatch.window,
        post=dispatch.post if post_free else None,
        slot=dispatch.slot if post_free else "",
        role=(StaffMember.Role.WINDOW_HEAD if role == Role.WINDOW_HEAD else StaffMember.Role.CLERK),
        on_post_since=today,
    )
    member._history_user = actor
    member.save()
    training = TrainingRecord(
        member=member,
        kind=TrainingRecord.Kind.PRE_SERVICE,
        title=dispatch.training_title,
        date=dispatch.training_on,
        hours=dispatch.training_hours,
        passed=True,
    )
    training._history_user = actor
    training.save()
    if post_free:
        post_change_record(
            actor,
            dispatch.post,
            dispatch.slot,
            None,
            member,
            _("Put on post after review and training"),
            now,
        )
    dispatch.member, dispatch.status = member, Dispatch.Status.ON_POST
    dispatch._history_user = actor
    dispatch.save()
    return member, password


@transaction.atomic
def dispatch_withdraw(*, actor, dispatch: Dispatch, now: dt.datetime) -> Dispatch:
    scope = scope_for_user(actor)
    if not (actor.is_superuser or dispatch.department_id in scope.act_department_ids):
        raise PermissionDenied(_("Only the head of the department withdraws its proposals."))
    if dispatch.status in (Dispatch.Status.ON_POST, Dispatch.Status.WITHDRAWN):
        raise ValidationError(_("This proposal can no longer be withdrawn."))
    dispatch.status = Dispatch.Status.WITHDRAWN
    dispatch._history_user = actor
    dispatch.save()
    return dispatch
