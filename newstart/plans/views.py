"""My plan's pages. Thin: parse the request, call a selector or service, render.

Every page is private: no referrer leaves it, nothing is cached, nothing is indexed. Responses to a
private link are never logged with their path (the path carries the token): Django logs every 4xx
response with its path unless the response is marked as logged already.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt

from newstart.plans.forms import PlanForm
from newstart.plans.models import Plan
from newstart.plans.qr import plan_qr_svg
from newstart.plans.selectors import need_category_choices, plan_get_by_token, plan_page
from newstart.plans.services import plan_create, plan_delete

View = Callable[..., HttpResponse]


def _private_with(referrer_policy: str) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            response = view(request, *args, **kwargs)
            response["Referrer-Policy"] = referrer_policy
            response["Cache-Control"] = "no-store"
            response["X-Robots-Tag"] = "noindex, nofollow"
            return response

        return wrapped

    return decorate


# Pages whose address carries the plan's token never send it on as a referrer.
_private = _private_with("no-referrer")
# The needs check posts a form: under no-referrer browsers send "Origin: null" and Django's CSRF
# check refuses the post. Its address carries no token, so same-origin gives nothing away.
_private_form = _private_with("same-origin")


def _unlogged(response: HttpResponse) -> HttpResponse:
    # Keeps django.request from logging "Not Found: /en/plan/<token>/".
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _not_found(request: HttpRequest) -> HttpResponse:
    return _unlogged(render(request, "plans/not_found.html", status=404))


def _not_allowed(allowed: str) -> HttpResponse:
    response = HttpResponse(status=405)
    response["Allow"] = allowed
    return _unlogged(response)


def _plan_url(token: str) -> str:
    return reverse("plans:detail", kwargs={"token": token})


@_private_form
def start(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return _not_allowed("GET, HEAD, POST")
    language = translation.get_language()
    categories = need_category_choices(language=language)
    today = timezone.localdate()
    if request.method == "POST":
        form = PlanForm(request.POST, categories=categories, today=today)
        if form.is_valid():
            _plan, token = plan_create(data=form.plan_input())
            return HttpResponseRedirect(_plan_url(token), status=303)
        return render(request, "plans/start.html", {"form": form}, status=400)
    return render(request, "plans/start.html", {"form": PlanForm(categories=categories, today=today)})


def _plan_or_none(token: str) -> Plan | None:
    return plan_get_by_token(token=token)


@_private
def detail(request: HttpRequest, token: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return _not_allowed("GET, HEAD")
    plan = _plan_or_none(token)
    if plan is None:
        return _not_found(request)
    language = translation.get_language()
    page = plan_page(plan=plan, language=language, today=timezone.localdate())
    link = request.build_absolute_uri(_plan_url(token))
    context = {
        "page": page,
        "plan": plan,
        "link": link,
        "qr_svg": plan_qr_svg(url=link),
        "print_view": request.GET.get("print") == "1",
        "delete_url": reverse("plans:delete", kwargs={"token": token}),
        "print_url": f"{_plan_url(token)}?print=1",
        "plan_url": _plan_url(token),
    }
    return render(request, "plans/detail.html", context)


# No CSRF check here on purpose: the token in the URL is the only credential (there is no session or
# cookie a forged request could borrow), and a CSRF failure would log the path, token included.
@csrf_exempt
@_private
def delete(request: HttpRequest, token: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return _not_allowed("GET, HEAD, POST")
    plan = _plan_or_none(token)
    if plan is None:
        return _not_found(request)
    if request.method == "POST":
        plan_delete(plan=plan)
        return HttpResponseRedirect(reverse("plans:deleted"), status=303)
    return render(request, "plans/delete.html", {"plan": plan, "plan_url": _plan_url(token)})


@_private
def deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/deleted.html")
