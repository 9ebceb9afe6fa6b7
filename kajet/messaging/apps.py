from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "kajet.messaging"
    label = "messaging"
    verbose_name = "Messages"
