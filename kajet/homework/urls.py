app_name = "homework"

urlpatterns: list[object] = []
