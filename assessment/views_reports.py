"""Placeholder: the reports' views are being written (issue 9 point 4)."""

from django.http import Http404


def report_view(request):
    raise Http404


def report_file_new(request):
    raise Http404


def report_file_view(request, pk):
    raise Http404


def report_file_download(request, pk):
    raise Http404
