from django.urls import path

from . import views

# Page names start with "reviews-": the API router already names its routes "review-…".
urlpatterns = [
    path("", views.campaign_list, name="reviews-campaigns"),
    path("<int:pk>/", views.campaign_board, name="reviews-campaign"),
    path("<int:pk>/report/", views.upper_report, name="reviews-report"),
    path("<int:pk>/decision/", views.decision_create, name="reviews-decision"),
    path("<int:pk>/khoi/<int:khoi_pk>/", views.khoi_reviews, name="reviews-khoi"),
    path("<int:pk>/khoi/<int:khoi_pk>/meeting/", views.khoi_meeting, name="reviews-meeting"),
    path("<int:pk>/khoi/<int:khoi_pk>/posting/", views.khoi_posting, name="reviews-posting"),
    path("<int:pk>/khoi/<int:khoi_pk>/apply/", views.khoi_apply, name="reviews-apply"),
    path("<int:pk>/khoi/<int:khoi_pk>/assign/", views.khoi_assign, name="reviews-assign"),
    path("<int:pk>/report/<int:report_pk>/answer/", views.upper_answer, name="reviews-answer"),
    path("review/<int:pk>/", views.review_detail, name="reviews-review"),
    path("household/<int:pk>/movement/", views.household_movement, name="reviews-movement"),
]
