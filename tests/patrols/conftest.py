import pytest

from hall.roles import Role
from tests.factories import StaffMemberFactory, UserFactory


@pytest.fixture
def holder_a(hall, clerk):
    """The A holder of the clerk's post at window A01 (the clerk is its B holder)."""
    from staff.models import StaffMember

    post = StaffMember.objects.get(user=clerk).post
    return StaffMemberFactory(
        user=UserFactory(username="holder-a", first_name="赵甲", roles=[Role.CLERK]),
        window=hall.window,
        department=hall.department,
        post=post,
        slot="A",
    )


@pytest.fixture
def clerk_member(clerk):
    from staff.models import StaffMember

    return StaffMember.objects.get(user=clerk)
