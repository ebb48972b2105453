"""`manage.py seed_demo`: a believable county hall that obeys the hall's rules (N-5).

The seed runs once for the whole module, inside a transaction rolled back at the end
(so no other test module sees its rows), and a second time in one test to show that
it is idempotent. Each test runs in a savepoint inside that transaction.
"""

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import RequestFactory

from demo.management.commands import seed_demo
from hall.roles import Role
from staff.models import Post, StaffMember
from windows.models import Department, ServiceItem, ServiceItemMaterial, Window
from windows.rules import max_promised_days

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = seed_demo.DEMO_PASSWORD
PERSONA_LOGINS = [
    "clerk",
    "windowhead",
    "depthead",
    "supervisor",
    "director",
    "inspector",
    "applicant",
    "admin",
]


@pytest.fixture(scope="module", autouse=True)
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_it_seeds_a_county_hall_of_the_expected_size():
    # N-5: about 30 departments and 200 staff.
    assert Department.objects.count() == 30
    assert Window.objects.count() == 60
    assert ServiceItem.objects.count() == 150
    assert StaffMember.objects.count() == 200
    assert Post.objects.count() == 100


def test_every_post_has_exactly_one_a_and_one_b_holder():
    # R-ORG-6
    posts = Post.objects.annotate(
        a=Count("holders", filter=Q(holders__slot="A")),
        b=Count("holders", filter=Q(holders__slot="B")),
    )
    assert {(post.a, post.b) for post in posts} == {(1, 1)}


def test_every_holder_works_at_the_window_of_their_post_and_department():
    # R-ORG-1, R-ORG-6
    for member in StaffMember.objects.select_related("post", "window"):
        assert member.post.window_id == member.window_id, member
        assert member.window.department_id == member.department_id, member


def test_every_window_has_a_head_and_a_chief_representative():
    # R-ORG-2
    assert not Window.objects.filter(
        Q(window_head__isnull=True) | Q(chief_representative__isnull=True)
    ).exists()


def test_every_item_keeps_the_time_limit_rule():
    # R-ITEM-2
    for item in ServiceItem.objects.all():
        if item.kind == ServiceItem.Kind.PROMISED:
            assert 1 <= item.promised_limit_days <= max_promised_days(item.statutory_limit_days), (
                item.code
            )
        else:
            assert item.promised_limit_days == 0, item.code


def test_every_item_publishes_its_eight_elements():
    # R-ITEM-1
    for item in ServiceItem.objects.annotate(n=Count("materials")):
        assert item.is_published
        assert item.n >= 1, item.code
        for field in ["name", "legal_basis", "preconditions", "process", "fee_basis"]:
            assert getattr(item, field).strip(), (item.code, field)
        assert item.fee_standard.strip()
        assert item.statutory_limit_days >= 1


def test_every_persona_can_log_in_with_the_demo_password():
    for username in PERSONA_LOGINS:
        request = RequestFactory().post("/accounts/login/")
        user = authenticate(request, username=username, password=DEMO_PASSWORD)
        assert user is not None, username


def test_every_demo_login_must_choose_its_own_password_at_first_login():
    """等保 2.0: everyone knows the demo password, so each demo account changes it."""
    from hall.models import Account

    flagged = set(
        Account.objects.filter(must_change_password=True).values_list("user__username", flat=True)
    )
    assert flagged == set(PERSONA_LOGINS)
    # A second run of the seed does not flag again someone who already changed theirs.
    Account.objects.filter(user__username="clerk").update(must_change_password=False)
    call_command("seed_demo", stdout=io.StringIO())
    assert not Account.objects.get(user__username="clerk").must_change_password


def test_the_other_staff_have_no_usable_password():
    User = get_user_model()
    others = User.objects.exclude(username__in=PERSONA_LOGINS)
    assert others.exists()
    assert not any(user.has_usable_password() for user in others)


def test_each_persona_holds_its_role():
    User = get_user_model()
    expected = {
        "clerk": Role.CLERK,
        "windowhead": Role.WINDOW_HEAD,
        "depthead": Role.DEPARTMENT_HEAD,
        "supervisor": Role.SUPERVISOR,
        "director": Role.DIRECTOR,
        "inspector": Role.INSPECTOR,
        "applicant": Role.APPLICANT,
    }
    for username, role in expected.items():
        assert User.objects.filter(username=username, groups__name=role).exists(), username
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff


def test_the_clerk_and_window_head_share_a_window_headed_by_the_department_head():
    clerk = StaffMember.objects.select_related("window__department__head").get(
        user__username="clerk"
    )
    head = StaffMember.objects.get(user__username="windowhead")
    assert clerk.window_id == head.window_id
    assert clerk.window.window_head == head.user
    assert clerk.window.department.head.username == "depthead"
    assert clerk.post_id == head.post_id
    assert {clerk.slot, head.slot} == {"A", "B"}


def history_counts() -> dict[str, int]:
    models = [Department, Window, ServiceItem, ServiceItemMaterial, Post, StaffMember]
    return {model.__name__: model.history.count() for model in models}


def row_counts() -> dict[str, int]:
    models = [
        Department,
        Window,
        ServiceItem,
        ServiceItemMaterial,
        Post,
        StaffMember,
        get_user_model(),
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_running_it_again_changes_nothing_and_writes_no_history():
    # style.md: a job run twice changes nothing the second time.
    rows, history = row_counts(), history_counts()
    passwords = dict(get_user_model().objects.values_list("username", "password"))
    call_command("seed_demo", stdout=io.StringIO())
    assert row_counts() == rows
    assert history_counts() == history
    assert dict(get_user_model().objects.values_list("username", "password")) == passwords


def test_the_demo_shows_each_step_of_the_dispatch_and_a_swap_waiting():
    # R-ORG-3, R-ORG-4: something for the center to review, train and put on post.
    from staff.models import Dispatch, SwapRequest

    assert set(Dispatch.objects.values_list("status", flat=True)) == {
        "proposed",
        "passed",
        "trained",
        "failed",
    }
    assert SwapRequest.objects.filter(status="pending").count() == 1
    assert not StaffMember.objects.filter(on_post_since__isnull=True).exists()
