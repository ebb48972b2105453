"""factory_boy factories for the hall's records."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from staff.models import Post, StaffMember
from windows.models import Department, ServiceItem, ServiceItemMaterial, Window


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("pw-for-tests-1")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=role)[0])


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"县测试局{n}")
    short_name = "测试"


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Window

    number = factory.Sequence(lambda n: f"T{n:02d}")
    name = factory.Sequence(lambda n: f"综合窗口{n}")
    department = factory.SubFactory(DepartmentFactory)
    floor = 1
    zone = "A区"


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceItem

    code = factory.Sequence(lambda n: f"T-{n:03d}")
    name = factory.Sequence(lambda n: f"测试事项{n}")
    department = factory.SubFactory(DepartmentFactory)
    kind = ServiceItem.Kind.PROMISED
    legal_basis = "《中华人民共和国行政许可法》第四十二条"
    statutory_limit_days = 20
    promised_limit_days = 5
    preconditions = "申请人材料齐全、符合法定形式。"
    process = "申请—受理—审核—办结"
    fee_basis = "不收费"
    fee_standard = "不收费"


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceItemMaterial

    item = factory.SubFactory(ServiceItemFactory)
    name = factory.Sequence(lambda n: f"申请材料{n}")
    form = ServiceItemMaterial.Form.ORIGINAL
    copies = 1


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    window = factory.SubFactory(WindowFactory)
    name = factory.Sequence(lambda n: f"受理岗{n}")


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    user = factory.SubFactory(UserFactory)
    name = factory.LazyAttribute(lambda o: o.user.first_name)
    department = factory.LazyAttribute(
        lambda o: o.window.department if o.window else DepartmentFactory()
    )
    window = factory.SubFactory(WindowFactory)
    phone = "13800138000"
