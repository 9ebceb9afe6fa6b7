from django.urls import path

from kajet.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("rozpocznij/", views.start, name="start"),
    path("pierwszy-raz/", views.first_time, name="first_time"),
    path("utworz/", views.register, name="register"),
    path("utworz/wyslano/", views.register_sent, name="register_sent"),
    path("aktywuj/", views.activate, name="activate"),
    path("logowanie/", views.signin, name="signin"),
    path("wyloguj/", views.signout, name="signout"),
    path("dodaj-login/", views.link_add, name="link_add"),
    path("przelacz/", views.switch, name="switch"),
    path("haslo/nie-pamietam/", views.password_forgotten, name="password_forgotten"),
    path("haslo/nowe/", views.password_reset, name="password_reset"),
    path("regulamin/", views.terms_accept, name="terms_accept"),
    path("ustawienia/", views.settings_page, name="settings"),
    path("ustawienia/haslo/", views.password_change, name="password_change"),
    path("ustawienia/email/", views.email_change, name="email_change"),
    path("ustawienia/usun/", views.account_delete, name="delete"),
    path("email/potwierdz/", views.email_confirm, name="email_confirm"),
    path("odlacz/", views.unlink, name="unlink"),
    path("dodatki/", views.extras_page, name="extras"),
]
