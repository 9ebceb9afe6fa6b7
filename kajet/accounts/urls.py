from django.urls import path

from kajet.accounts import views

app_name = "accounts"

urlpatterns = [
    path("logowanie/", views.signin, name="login"),
    path("logowanie/kod/", views.signin_otp, name="signin_otp"),
    path("wyloguj/", views.signout, name="logout"),
    path("haslo/", views.password_change, name="password_change"),
    path("sesje/", views.sessions, name="sessions"),
    path("sesje/<id:device_id>/zakoncz/", views.session_end, name="session_end"),
    path("sesje/zakoncz-inne/", views.sessions_end_others, name="sessions_end_others"),
    path("historia-logowan/", views.signin_history, name="signin_history"),
    path("dwuetapowe/", views.totp_setup, name="totp_setup"),
    path("dwuetapowe/wylacz/", views.totp_disable, name="totp_disable"),
]
