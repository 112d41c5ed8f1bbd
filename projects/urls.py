from django.urls import path

from . import views

urlpatterns = [
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/copy/", views.plan_copy, name="plan-copy"),
    path("plans/<int:pk>/correct/", views.plan_correct, name="plan-correct"),
    path("plans/<int:pk>/issue/", views.plan_issue, name="plan-issue"),
    path("plans/<int:pk>/items/new/", views.plan_item_edit, name="plan-item-create"),
    path("plans/<int:pk>/items/<int:item_pk>/", views.plan_item_edit, name="plan-item-edit"),
    path("plans/<int:pk>/budgets/", views.plan_budgets, name="plan-budgets"),
    path("plans/<int:pk>/indicators/", views.plan_indicators, name="plan-indicators"),
    path("subprojects/<int:pk>/", views.subproject_detail, name="subproject-detail"),
    path("support/", views.support_list, name="support-list"),
    path("support/new/", views.support_create, name="support-create"),
    path("support/bulk/", views.support_bulk, name="support-bulk"),
    path("support/<int:pk>/", views.support_detail, name="support-detail"),
]
