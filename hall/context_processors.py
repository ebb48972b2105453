from django.conf import settings


def hall(request):
    return {"hall_name": settings.HALL_NAME}
