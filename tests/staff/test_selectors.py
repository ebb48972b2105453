"""What each persona may see and act on (domain.md, "Who uses it"; R-ORG-1, R-ORG-2)."""

import pytest

from hall.roles import Role
from staff.selectors import (
    departments_in_scope,
    scope_for_user,
    staff_member_of,
    windows_in_scope,
)
from tests.factories import StaffMemberFactory, UserFactory, WindowFactory

pytestmark = pytest.mark.django_db


def window_numbers(user) -> set[str]:
    return {window.number for window in windows_in_scope(user)}


def test_a_clerk_sees_and_acts_on_their_own_window_only(hall, clerk):
    scope = scope_for_user(clerk)
    assert scope.roles == {Role.CLERK}
    assert scope.may_view_window(hall.window)
    assert scope.may_act_on_window(hall.window)
    assert not scope.may_view_window(hall.other_window)
    assert not scope.may_act_on_window(hall.other_window)
    assert not scope.may_act_on_department(hall.department)
    assert not scope.view_all
    assert window_numbers(clerk) == {"A01"}
    assert list(departments_in_scope(clerk)) == []


def test_a_window_head_sees_and_acts_on_the_window_they_head(hall, window_head):
    # R-ORG-2
    scope = scope_for_user(window_head)
    assert scope.may_view_window(hall.window)
    assert scope.may_act_on_window(hall.window)
    assert not scope.may_view_window(hall.other_window)
    assert not scope.may_act_on_window(hall.other_window)
    assert window_numbers(window_head) == {"A01"}


def test_a_chief_representative_sees_and_acts_on_the_window_they_represent(hall, window_head):
    # R-ORG-2: the chief representative (首席代表) leads the window like its head.
    hall.other_window.chief_representative = window_head
    hall.other_window.save()
    scope = scope_for_user(window_head)
    assert scope.may_act_on_window(hall.other_window)
    assert window_numbers(window_head) == {"A01", "B01"}


def test_a_window_head_loses_an_inactive_window(hall, window_head):
    hall.window.is_active = False
    hall.window.save()
    assert not scope_for_user(window_head).may_view_window(hall.window)


def test_a_department_head_views_their_department_and_its_windows(hall, department_head):
    # R-ORG-1: the department guides its staff's business; it reads its windows.
    second = WindowFactory(number="A02", department=hall.department)
    scope = scope_for_user(department_head)
    assert scope.may_view_department(hall.department)
    assert scope.may_act_on_department(hall.department)
    assert scope.may_view_window(hall.window)
    assert scope.may_view_window(second)
    assert not scope.may_view_department(hall.other_department)
    assert not scope.may_act_on_department(hall.other_department)
    assert not scope.may_view_window(hall.other_window)
    assert window_numbers(department_head) == {"A01", "A02"}
    assert list(departments_in_scope(department_head)) == [hall.department]


def test_a_department_head_does_not_act_on_their_windows_cases(hall, department_head):
    # R-ORG-1: daily management of the window is the center's, acting on cases the window's.
    scope = scope_for_user(department_head)
    assert not scope.may_act_on_window(hall.window)
    assert not scope.may_act_on_window(hall.other_window)


def test_a_supervisor_views_everything_and_acts_on_every_window(hall, supervisor):
    scope = scope_for_user(supervisor)
    assert scope.view_all
    assert scope.may_view_window(hall.other_window)
    assert scope.may_view_department(hall.other_department)
    assert scope.may_act_on_window(hall.window)
    assert scope.may_act_on_window(hall.other_window)
    assert not scope.may_act_on_department(hall.department)
    assert window_numbers(supervisor) == {"A01", "B01"}


def test_a_director_views_and_acts_on_everything(hall, director):
    scope = scope_for_user(director)
    assert scope.view_all
    assert scope.may_act_on_window(hall.other_window)
    assert scope.may_act_on_department(hall.other_department)
    assert window_numbers(director) == {"A01", "B01"}
    assert set(departments_in_scope(director)) == {hall.department, hall.other_department}


def test_a_superuser_views_and_acts_on_everything(hall, admin_user):
    scope = scope_for_user(admin_user)
    assert scope.view_all
    assert scope.may_act_on_window(hall.other_window)
    assert scope.may_act_on_department(hall.other_department)
    assert window_numbers(admin_user) == {"A01", "B01"}


def test_an_inspector_views_everything_and_acts_on_no_window_or_department(hall, inspector):
    # The inspector's actions are on complaints and accountability.
    scope = scope_for_user(inspector)
    assert scope.view_all
    assert scope.may_view_window(hall.window)
    assert not scope.may_act_on_window(hall.window)
    assert not scope.may_act_on_department(hall.department)
    assert window_numbers(inspector) == {"A01", "B01"}


@pytest.mark.parametrize("persona", ["applicant", "outsider"])
def test_an_applicant_or_outsider_sees_nothing_of_the_hall(request, hall, persona):
    user = request.getfixturevalue(persona)
    scope = scope_for_user(user)
    assert scope.is_empty
    assert not scope.may_view_window(hall.window)
    assert not scope.may_act_on_window(hall.window)
    assert not scope.may_view_department(hall.department)
    assert window_numbers(user) == set()
    assert list(departments_in_scope(user)) == []


def test_an_anonymous_visitor_sees_nothing(hall):
    from django.contrib.auth.models import AnonymousUser

    scope = scope_for_user(AnonymousUser())
    assert scope.is_empty
    assert not scope.may_act_on_window(hall.window)


def test_a_user_with_two_roles_gets_the_union_of_both(hall):
    # A clerk of window A01 who also heads the other department.
    user = UserFactory(roles=[Role.CLERK, Role.DEPARTMENT_HEAD])
    StaffMemberFactory(user=user, window=hall.window, department=hall.department)
    hall.other_department.head = user
    hall.other_department.save()
    scope = scope_for_user(user)
    assert scope.roles == {Role.CLERK, Role.DEPARTMENT_HEAD}
    assert scope.may_act_on_window(hall.window)
    assert scope.may_view_window(hall.other_window)
    assert not scope.may_act_on_window(hall.other_window)
    assert scope.may_act_on_department(hall.other_department)
    assert not scope.may_act_on_department(hall.department)
    assert window_numbers(user) == {"A01", "B01"}


def test_a_role_without_its_assignment_reaches_nothing(hall):
    # A clerk group alone, with no window, gives no window.
    user = UserFactory(roles=[Role.CLERK])
    assert scope_for_user(user).is_empty
    assert window_numbers(user) == set()


def test_an_inactive_staff_member_loses_their_window(hall, clerk):
    clerk.staff_member.is_active = False
    clerk.staff_member.save()
    assert window_numbers(clerk) == set()


def test_staff_member_of_finds_the_users_staff_record(hall, clerk, applicant):
    assert staff_member_of(clerk).window == hall.window
    assert staff_member_of(applicant) is None
