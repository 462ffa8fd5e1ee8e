"""The console's login page (django-axes watches it, see screens/devices.py)."""

from django.contrib.auth import views as auth_views

from ..devices import remember_device


class LoginView(auth_views.LoginView):
    def form_valid(self, form):
        response = super().form_valid(form)
        remember_device(response, form.get_user())
        return response
