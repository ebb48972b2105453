"""Fixtures of the supervision tests, on top of the root personas (conftest.py)."""

import pytest

from hall.roles import Role
from tests.factories import PostFactory, StaffMemberFactory, UserFactory

from .support import accept, at, make_item


@pytest.fixture
def item(hall):
    """20 statutory / 8 promised working days, handled by window A01's department."""
    return make_item(hall.department)


@pytest.fixture
def case(clerk, hall, item):
    """Accepted Mon 2026-09-28: promised due Wed 10/14, statutory due Fri 10/30."""
    return accept(clerk, hall.window, item, at(9, 28))


@pytest.fixture
def chief(hall):
    """A01's chief representative (首席代表, R-ORG-2)."""
    user = UserFactory(username="chief", first_name="刘首席", roles=[Role.WINDOW_HEAD])
    hall.window.chief_representative = user
    hall.window.save()
    return user


@pytest.fixture
def other_head(hall):
    """The head of window B01 (the other department's window)."""
    user = UserFactory(username="otherhead", first_name="赵科长", roles=[Role.WINDOW_HEAD])
    StaffMemberFactory(
        user=user, window=hall.other_window, department=hall.other_department, role="window_head"
    )
    hall.other_window.window_head = user
    hall.other_window.save()
    return user


@pytest.fixture
def other_clerk(hall):
    """A clerk of window B01."""
    member = StaffMemberFactory(
        user=UserFactory(username="otherclerk", first_name="孙受理", roles=[Role.CLERK]),
        window=hall.other_window,
        department=hall.other_department,
        post=PostFactory(window=hall.other_window, name="户籍受理岗"),
    )
    return member.user
