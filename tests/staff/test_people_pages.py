"""Each people page for each persona; a department head sees only their own staff."""

import pytest
from django.urls import reverse

from hall.roles import Role
from tests.factories import StaffMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["people", "posts", "dispatch_list", "swaps", "returns"]
ALLOWED = {
    "clerk": set(),
    "window_head": {"people", "posts", "swaps"},
    "department_head": {"people", "posts", "dispatch_list", "swaps"},
    "supervisor": set(PAGES),
    "director": set(PAGES),
    "inspector": set(PAGES),
    "applicant": set(),
    "outsider": set(),
    "admin_user": set(PAGES),
}


@pytest.mark.parametrize("persona", list(ALLOWED))
def test_who_opens_which_people_page(client, request, hall, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    for page in PAGES:
        status = client.get(reverse(f"staff:{page}")).status_code
        assert status == (200 if page in ALLOWED[persona] else 403), (persona, page, status)


def test_anonymous_users_are_sent_to_log_in(client, hall):
    for page in PAGES:
        assert client.get(reverse(f"staff:{page}")).status_code == 302


@pytest.fixture
def two_departments(hall, clerk):
    StaffMemberFactory(
        user=UserFactory(first_name="公安甲", roles=[Role.CLERK]),
        window=hall.other_window,
        department=hall.other_department,
    )


@pytest.mark.parametrize(
    ("persona", "sees_other"),
    [("department_head", False), ("window_head", False), ("supervisor", True)],
)
def test_a_department_head_sees_only_their_own_staff(
    client, request, two_departments, persona, sees_other
):
    client.force_login(request.getfixturevalue(persona))
    body = client.get(reverse("staff:people")).content.decode()
    assert "王小明" in body
    assert ("公安甲" in body) is sees_other
    body = client.get(reverse("staff:posts")).content.decode()
    assert "综合受理岗" in body
