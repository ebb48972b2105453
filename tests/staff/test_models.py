"""Staff under dual management (R-ORG-1) in A/B posts (R-ORG-6)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from staff.models import StaffMember
from tests.factories import PostFactory, StaffMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def member(hall, **kwargs) -> StaffMember:
    values = {
        "user": UserFactory(),
        "name": "王小明",
        "department": hall.department,
        "window": hall.window,
    }
    values.update(kwargs)
    return StaffMember(**values)


def test_it_accepts_an_a_holder_of_a_post_at_their_own_window(hall):
    # R-ORG-1, R-ORG-6
    post = PostFactory(window=hall.window)
    member(hall, post=post, slot="A").full_clean()


def test_it_refuses_a_post_of_another_window(hall):
    # R-ORG-6: the post is one of the person's own window.
    post = PostFactory(window=hall.other_window)
    with pytest.raises(ValidationError) as exc_info:
        member(hall, post=post, slot="A").full_clean()
    assert "post" in exc_info.value.message_dict


def test_it_refuses_a_post_to_a_person_without_a_window(hall):
    # R-ORG-6: a post is held at its window.
    post = PostFactory(window=hall.window)
    with pytest.raises(ValidationError) as exc_info:
        member(hall, window=None, post=post, slot="A").full_clean()
    assert "post" in exc_info.value.message_dict or "window" in exc_info.value.message_dict


def test_it_refuses_a_post_without_saying_a_or_b(hall):
    # R-ORG-6: every post has an A and a B holder.
    post = PostFactory(window=hall.window)
    with pytest.raises(ValidationError) as exc_info:
        member(hall, post=post, slot="").full_clean()
    assert "slot" in exc_info.value.message_dict


def test_it_refuses_a_window_staffed_by_another_department(hall):
    # R-ORG-1: a person works at a window of their dispatching department.
    with pytest.raises(ValidationError) as exc_info:
        member(hall, window=hall.other_window).full_clean()
    assert "window" in exc_info.value.message_dict


def test_it_accepts_a_person_without_a_window_or_post(hall):
    member(hall, window=None).full_clean()


def test_a_post_has_one_a_holder_and_one_b_holder(hall):
    # R-ORG-6
    post = PostFactory(window=hall.window)
    StaffMemberFactory(window=hall.window, post=post, slot="A")
    StaffMemberFactory(window=hall.window, post=post, slot="B")
    assert post.holders.count() == 2


def test_the_database_refuses_a_second_a_holder_of_a_post(hall):
    # R-ORG-6: one A holder per post, even for a write that skips full_clean.
    post = PostFactory(window=hall.window)
    StaffMemberFactory(window=hall.window, post=post, slot="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffMemberFactory(window=hall.window, post=post, slot="A")
    assert post.holders.count() == 1


def test_full_clean_refuses_a_second_a_holder_of_a_post(hall):
    # R-ORG-6: the form says so before the database has to.
    post = PostFactory(window=hall.window)
    StaffMemberFactory(window=hall.window, post=post, slot="A")
    with pytest.raises(ValidationError):
        member(hall, post=post, slot="A").full_clean()


def test_people_without_a_post_are_not_held_to_the_one_holder_rule(hall):
    StaffMemberFactory(window=hall.window, post=None, slot="")
    StaffMemberFactory(window=hall.window, post=None, slot="")
    assert StaffMember.objects.filter(post__isnull=True).count() == 2
