from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def dashboard(request):
    wards = selectors.dashboard_wards(user=request.user)
    return render(request, "dashboard.html", {"wards": wards})
