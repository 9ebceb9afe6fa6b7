app_name = "noticeboard"

urlpatterns: list[object] = []
