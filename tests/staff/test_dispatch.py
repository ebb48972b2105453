"""Dispatch (R-ORG-3): proposal, the four-point review, pre-service training, on post."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from cases.access import require_window_staff
from hall.identity import resident_id_check_char
from staff.dispatch import (
    age_warning,
    dispatch_propose,
    dispatch_put_on_post,
    dispatch_review,
    dispatch_train,
)
from staff.models import Dispatch, PostChange, StaffMember
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 10, 12, 9, 30))
ALL_PASS = dict.fromkeys(Dispatch.POINTS, (True, ""))


@pytest.fixture(autouse=True)
def _english_messages():
    """The services' messages are compared in English; pages are read in Chinese."""
    translation.activate("en")


def resident_id(birth: dt.date, serial: str = "123") -> str:
    first = f"110105{birth:%Y%m%d}{serial}"
    return first + resident_id_check_char(first)


def proposal(hall, **overrides) -> Dispatch:
    birth = overrides.pop("birth_date", dt.date(1995, 3, 7))
    data = {
        "department": hall.department,
        "window": hall.window,
        "role": Dispatch.Role.CLERK,
        "name": "赵新人",
        "gender": "F",
        "id_number": resident_id(birth),
        "birth_date": birth,
        "phone": "13912345678",
        "employment": Dispatch.Employment.CIVIL_SERVANT,
        "qualifications": "行政执法证",
    }
    data.update(overrides)
    return Dispatch(**data)


@pytest.fixture
def proposed(hall, department_head):
    return dispatch_propose(actor=department_head, dispatch=proposal(hall), now=NOW)


def test_the_department_head_proposes_and_it_is_in_the_history(proposed, department_head):
    assert proposed.status == Dispatch.Status.PROPOSED
    assert proposed.history.latest().history_user == department_head


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "110105199503071234", "check digit"),
        ("phone", "1391234567", "digits"),
        ("birth_date", dt.date(1995, 3, 8), "does not match"),
        ("qualifications", "  ", "qualifications"),
    ],
)
def test_a_bad_registration_form_is_refused_and_saves_nothing(
    hall, department_head, field, value, message
):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        overrides = {field: value}
        if field == "birth_date":
            overrides["id_number"] = resident_id(dt.date(1995, 3, 7))
        dispatch_propose(actor=department_head, dispatch=proposal(hall, **overrides), now=NOW)
    assert field in exc.value.message_dict
    assert message in " ".join(exc.value.message_dict[field])
    assert not Dispatch.objects.exists()


def test_only_the_persons_department_proposes(hall, department_head, supervisor):
    with pytest.raises(PermissionDenied):
        dispatch_propose(
            actor=department_head,
            dispatch=proposal(hall, department=hall.other_department, window=hall.other_window),
            now=NOW,
        )
    with pytest.raises(PermissionDenied):
        dispatch_propose(actor=supervisor, dispatch=proposal(hall), now=NOW)


def test_the_same_person_cannot_be_proposed_twice(proposed, hall, department_head):
    with pytest.raises(ValidationError, match="already"):
        dispatch_propose(actor=department_head, dispatch=proposal(hall), now=NOW)


def test_a_failed_point_needs_a_note_and_an_unanswered_point_is_refused(proposed, supervisor):
    results = {**ALL_PASS, "computer": (False, "")}
    with pytest.raises(ValidationError) as exc:
        dispatch_review(actor=supervisor, dispatch=proposed, results=results, now=NOW)
    assert "computer_note" in exc.value.message_dict
    results = {**ALL_PASS, "knowledge": (None, "")}
    with pytest.raises(ValidationError) as exc:
        dispatch_review(actor=supervisor, dispatch=proposed, results=results, now=NOW)
    assert "knowledge_passed" in exc.value.message_dict
    proposed.refresh_from_db()
    assert proposed.status == Dispatch.Status.PROPOSED


def test_only_the_center_reviews(proposed, department_head, window_head):
    for user in (department_head, window_head):
        with pytest.raises(PermissionDenied):
            dispatch_review(actor=user, dispatch=proposed, results=ALL_PASS, now=NOW)


def test_a_person_who_fails_review_cannot_be_trained_or_put_on_post(proposed, supervisor):
    results = {**ALL_PASS, "qualification": (False, "无行政执法证")}
    dispatch_review(actor=supervisor, dispatch=proposed, results=results, now=NOW)
    assert proposed.status == Dispatch.Status.FAILED
    with pytest.raises(ValidationError, match="failed the review"):
        dispatch_train(
            actor=supervisor,
            dispatch=proposed,
            title="岗前培训",
            trained_on=NOW.date(),
            hours=Decimal(8),
            now=NOW,
        )
    with pytest.raises(ValidationError, match="failed the review and cannot be put on post"):
        dispatch_put_on_post(actor=supervisor, dispatch=proposed, username="zhaoxr", now=NOW)
    assert not StaffMember.objects.filter(name="赵新人").exists()


def test_without_pre_service_training_nobody_is_put_on_post(proposed, supervisor):
    dispatch_review(actor=supervisor, dispatch=proposed, results=ALL_PASS, now=NOW)
    with pytest.raises(ValidationError, match="pre-service training"):
        dispatch_put_on_post(actor=supervisor, dispatch=proposed, username="zhaoxr", now=NOW)
    with pytest.raises(ValidationError, match="not reviewed"):
        dispatch_put_on_post(
            actor=supervisor,
            dispatch=Dispatch(status=Dispatch.Status.PROPOSED, name="x"),
            username="x",
            now=NOW,
        )


def test_training_in_the_future_or_without_hours_is_refused(proposed, supervisor):
    dispatch_review(actor=supervisor, dispatch=proposed, results=ALL_PASS, now=NOW)
    with pytest.raises(ValidationError) as exc:
        dispatch_train(
            actor=supervisor,
            dispatch=proposed,
            title="岗前培训",
            trained_on=NOW.date() + dt.timedelta(days=1),
            hours=Decimal(0),
            now=NOW,
        )
    assert {"training_on", "training_hours"} <= set(exc.value.message_dict)


def test_the_whole_way_to_the_post_and_then_acting_on_cases(hall, proposed, supervisor, clerk):
    post = PostFactory(window=hall.window, name="新岗")
    proposed.post, proposed.slot = post, "A"
    proposed.save()
    dispatch_review(actor=supervisor, dispatch=proposed, results=ALL_PASS, now=NOW)
    dispatch_train(
        actor=supervisor,
        dispatch=proposed,
        title="岗前培训",
        trained_on=NOW.date(),
        hours=Decimal("16"),
        now=NOW,
    )
    member, password = dispatch_put_on_post(
        actor=supervisor, dispatch=proposed, username="zhaoxr", now=NOW
    )
    assert member.user.check_password(password)
    assert (member.post, member.slot, member.on_post_since) == (post, "A", NOW.date())
    assert member.training.get().kind == "pre_service"
    assert PostChange.objects.get(post=post).holder == member
    require_window_staff(member.user, hall.window)  # may act on the window's cases
    with translation.override("en"), pytest.raises(ValidationError, match="on post already"):
        dispatch_put_on_post(actor=supervisor, dispatch=proposed, username="other", now=NOW)
    second = dispatch_propose(
        actor=proposed.proposed_by,
        dispatch=proposal(hall, id_number=resident_id(dt.date(1995, 3, 7), "456"), name="钱二"),
        now=NOW,
    )
    dispatch_review(actor=supervisor, dispatch=second, results=ALL_PASS, now=NOW)
    dispatch_train(
        actor=supervisor,
        dispatch=second,
        title="岗前培训",
        trained_on=NOW.date(),
        hours=Decimal("16"),
        now=NOW,
    )
    with translation.override("en"), pytest.raises(ValidationError, match="taken"):
        dispatch_put_on_post(actor=supervisor, dispatch=second, username="Clerk", now=NOW)
    second.refresh_from_db()
    assert second.status == Dispatch.Status.TRAINED


def test_the_age_guidance_warns_but_never_blocks(hall, department_head, supervisor):
    old = dispatch_propose(
        actor=department_head,
        dispatch=proposal(hall, birth_date=dt.date(1980, 1, 1), name="钱资深"),
        now=NOW,
    )
    assert "46" in age_warning(old, NOW.date())
    assert age_warning(proposal(hall, birth_date=dt.date(1985, 10, 13)), NOW.date()) == ""  # 40
    assert age_warning(proposal(hall, birth_date=dt.date(1985, 10, 12)), NOW.date())  # 41 today
    head = proposal(hall, birth_date=dt.date(1976, 10, 13), role="window_head")  # 50
    assert age_warning(head, NOW.date()) == ""
    dispatch_review(actor=supervisor, dispatch=old, results=ALL_PASS, now=NOW)
    assert old.status == Dispatch.Status.PASSED


def test_the_pages_of_the_dispatch(client, hall, department_head, supervisor):
    client.force_login(department_head)
    birth = dt.date(1996, 5, 4)
    response = client.post(
        reverse("staff:dispatch_list"),
        {
            "name": "孙新人",
            "gender": "M",
            "id_number": resident_id(birth),
            "birth_date": "1996-05-05",
            "phone": "13912345678",
            "employment": "civil_servant",
            "qualifications": "执法证",
            "role": "clerk",
            "window": hall.window.pk,
        },
    )
    assert response.status_code == 200
    assert "出生日期与身份证号码不符" in response.content.decode()
    assert 'value="孙新人"' in response.content.decode()  # nothing typed is lost
    assert not Dispatch.objects.exists()
    response = client.post(
        reverse("staff:dispatch_list"),
        {
            "name": "孙新人",
            "gender": "M",
            "id_number": resident_id(birth),
            "birth_date": "1996-05-04",
            "phone": "13912345678",
            "employment": "civil_servant",
            "qualifications": "执法证",
            "role": "clerk",
            "window": hall.window.pk,
        },
        follow=True,
    )
    dispatch = Dispatch.objects.get()
    assert response.redirect_chain[-1][0] == reverse("staff:dispatch_detail", args=[dispatch.pk])
    assert 'data-testid="review-form"' not in response.content.decode()  # not the center
    client.force_login(supervisor)
    url = reverse("staff:dispatch_detail", args=[dispatch.pk])
    data = {"action": "review"}
    for key in Dispatch.POINTS:
        data[f"{key}_passed"] = "pass"
    data["computer_passed"] = "fail"
    response = client.post(url, data)
    assert "请说明该项未通过的原因" in response.content.decode()
    data["computer_note"] = "不会使用审批系统"
    client.post(url, data)
    dispatch.refresh_from_db()
    assert dispatch.status == Dispatch.Status.FAILED
    response = client.get(url)
    assert "审查未通过" in response.content.decode()
    assert 'data-testid="training-form"' not in response.content.decode()
