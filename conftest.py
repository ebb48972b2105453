"""The personas every test can use (style.md): one user per role of domain.md, plus an outsider.

`hall` is a small hall of two departments with one window each:
  - window A (department 1): the clerk works here, the window head heads it,
    department 1's head is the department head;
  - window B (department 2): outside every limited persona's scope.
"""

from dataclasses import dataclass

import pytest

from hall.roles import Role
from tests.factories import (
    DepartmentFactory,
    PostFactory,
    StaffMemberFactory,
    UserFactory,
    WindowFactory,
)


@pytest.fixture(autouse=True)
def _hall_language():
    """Every test starts in the hall's language: a request with the English cookie
    activates English in this thread, and Django does not switch back after it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@dataclass
class Hall:
    department: object
    other_department: object
    window: object
    other_window: object


@pytest.fixture
def hall(db) -> Hall:
    department = DepartmentFactory(code="D1", name="县市场监督管理局")
    other_department = DepartmentFactory(code="D2", name="县公安局")
    window = WindowFactory(number="A01", name="企业开办窗口", department=department)
    other_window = WindowFactory(number="B01", name="户政窗口", department=other_department)
    return Hall(department, other_department, window, other_window)


@pytest.fixture
def clerk(hall):
    post = PostFactory(window=hall.window, name="综合受理岗")
    member = StaffMemberFactory(
        user=UserFactory(username="clerk", first_name="王小明", roles=[Role.CLERK]),
        window=hall.window,
        department=hall.department,
        post=post,
        slot="B",
    )
    return member.user


@pytest.fixture
def window_head(hall):
    user = UserFactory(username="windowhead", first_name="李主任", roles=[Role.WINDOW_HEAD])
    StaffMemberFactory(
        user=user, window=hall.window, department=hall.department, role="window_head"
    )
    hall.window.window_head = user
    hall.window.save()
    return user


@pytest.fixture
def department_head(hall):
    user = UserFactory(username="depthead", first_name="张局长", roles=[Role.DEPARTMENT_HEAD])
    hall.department.head = user
    hall.department.save()
    return user


@pytest.fixture
def supervisor(db):
    return UserFactory(username="supervisor", first_name="周督查", roles=[Role.SUPERVISOR])


@pytest.fixture
def director(db):
    return UserFactory(username="director", first_name="陈主任", roles=[Role.DIRECTOR])


@pytest.fixture
def inspector(db):
    return UserFactory(username="inspector", first_name="韩监察", roles=[Role.INSPECTOR])


@pytest.fixture
def applicant(db):
    return UserFactory(username="applicant", first_name="李群众", roles=[Role.APPLICANT])


@pytest.fixture
def outsider(db):
    """Logged in, but holding no role and no post."""
    return UserFactory(username="outsider", first_name="路人")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


PERSONAS = [
    "clerk",
    "window_head",
    "department_head",
    "supervisor",
    "director",
    "inspector",
    "applicant",
]


@pytest.fixture
def migration_seeds(db):
    """The rows the data migrations seed (weekdays, holidays, roles, the rule catalog, the
    patrol checklist, the score weights), made again if missing. A transactional test
    after a live-server browser test may find them flushed although it asks for
    serialized_rollback; seeding is idempotent."""
    import importlib

    from django.apps import apps

    importlib.import_module("hall.migrations.0002_seed_calendar_weekdays_roles").forward(apps, None)
    for module in (
        "accountability.migrations.0003_seed_rule_catalog",
        "patrols.migrations.0002_default_checklist",
        "assessment.migrations.0002_default_weights",
    ):
        importlib.import_module(module).seed(apps, None)
