"""The navigator's pages. Thin: parse the request, call a selector or service, render."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from newstart.directory.models import Service
from newstart.eligibility.assessment import PersonSituation
from newstart.eligibility.selectors import eligibility_filter, eligibility_verdicts_for
from newstart.navigator.antispam import TokenProblem, form_token_check, rate_limit_hit
from newstart.navigator.forms import SITUATION_PARAMETERS, ProblemReportForm, SearchForm, SituationForm
from newstart.navigator.presenters import ServiceCard, service_card, service_page, short_code_parse
from newstart.navigator.selectors import (
    HOME_CATEGORY_CODES,
    Category,
    NavigatorResults,
    broader_need_names,
    category_list,
    navigator_results_prefetch,
    navigator_search,
    service_page_get,
)
from newstart.navigator.services import problem_report_create

LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60
# Search-page parameters that narrow the results (all but the words and the page).
FILTER_PARAMETERS = (
    "category",
    "language",
    "postcode",
    "area",
    "radius",
    "lat",
    "lon",
    "open_now",
    "free",
    "eligible_only",
)


@dataclass(frozen=True)
class Link:
    text: str
    url: str
    language: str = ""  # of `text`, when it may differ from the page's


def _map_markers(cards: list[ServiceCard]) -> list[dict[str, object]]:
    return [{"lat": lat, "lon": lon, "name": card.name, "url": card.url} for card in cards for lat, lon in card.points]


def _situation_query(params: QueryDict) -> str:
    """The person's situation as a query string, carried from the results to a service page."""
    if not params.get("status"):
        return ""
    kept = QueryDict(mutable=True)
    for name in SITUATION_PARAMETERS:
        if params.get(name):
            kept[name] = params.get(name, "")
    return kept.urlencode()


def _with_verdicts(cards: list[ServiceCard], *, person: PersonSituation, language: str, query: str) -> None:
    """Give each card the person's verdict (one query for the page) and links that keep the situation."""
    verdicts = eligibility_verdicts_for(
        services=[card.service for card in cards], person=person, on=timezone.localdate(), language=language
    )
    for card in cards:
        card.assessment = verdicts.get(card.service.pk)
        if query:
            card.url = f"{card.url}?{query}"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    language = translation.get_language()
    categories = [c for c in category_list(language=language) if c.code in HOME_CATEGORY_CODES]
    return render(request, "navigator/home.html", {"categories": categories})


def _search_url(params: QueryDict, **changes: str | None) -> str:
    """The search page with `params` changed (None removes a parameter), back on its first page."""
    query = params.copy()
    query.pop("page", None)
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value
    encoded = query.urlencode()
    return reverse("navigator:search") + (f"?{encoded}" if encoded else "")


def _ways_forward(
    request: HttpRequest, results: NavigatorResults, categories: list[Category], language: str
) -> dict[str, object]:
    """What the results say besides the services: the corrected query, the broader need searched
    instead, and when nothing was found, needs to try (in the query's language) and filters to drop."""
    params = request.GET
    search = results.search
    context: dict[str, object] = {
        "did_you_mean": results.did_you_mean or "",
        "did_you_mean_url": _search_url(params, q=results.did_you_mean) if results.did_you_mean else "",
        "broader_needs": ", ".join(broader_need_names(results=results, language=language)),
        "suggestions": [],
        "without_filters_url": "",
    }
    if search is not None and search.suggested:
        known = {category.code for category in categories}
        context["suggestions"] = [
            Link(
                suggestion.text,
                # A category search keeping the other filters; a search for the need's name otherwise.
                _search_url(params, q=None, category=suggestion.category)
                if suggestion.category in known
                else _search_url(params, q=suggestion.text, category=None),
                suggestion.language,
            )
            for suggestion in search.suggested
        ]
    if any(params.get(name) for name in FILTER_PARAMETERS):
        words = params.get("q", "").strip()
        context["without_filters_url"] = reverse("navigator:search") + (
            "?" + QueryDict.fromkeys(["q"], value=words).urlencode() if words else ""
        )
    return context


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    language = translation.get_language()
    categories = category_list(language=language)
    form = SearchForm(request.GET, categories=categories)
    cards: list[ServiceCard] = []
    page_obj = None
    ways_forward: dict[str, object] = {}
    if form.is_valid():
        results = navigator_search(query=form.query(), filters=form.filters(), language=language)
        person = form.person()
        found = results.services
        if person is not None and form.cleaned_data.get("eligible_only"):
            found = eligibility_filter(found, person=person, on=timezone.localdate())
        paginator = Paginator(found, settings.NAVIGATOR_RESULTS_PER_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        services = list(page_obj.object_list)
        navigator_results_prefetch(services=services)
        now = timezone.now()
        cards = [service_card(service, language=language, at=now) for service in services]
        if person is not None:
            _with_verdicts(cards, person=person, language=language, query=_situation_query(request.GET))
        ways_forward = _ways_forward(request, results, categories, language)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page_obj,
        "cards": cards,
        "near": form.is_valid() and form.point is not None,
        "base_query": query.urlencode(),
        "map_markers": _map_markers(cards),
        "searched": page_obj is not None,
        "categories": [category for category in categories if category.code in HOME_CATEGORY_CODES],
        **ways_forward,
    }
    partial = request.htmx and not request.htmx.history_restore_request  # type: ignore[attr-defined]
    template = "navigator/_results.html" if partial else "navigator/search.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _service_or_404(service_id: uuid.UUID) -> Service:
    service = service_page_get(service_id=service_id)
    if service is None:
        raise Http404(_("This service is not listed."))
    return service


def _render_service(
    request: HttpRequest,
    service: Service,
    *,
    report_form: ProblemReportForm | None = None,
    report_error: str = "",
    status: int = 200,
    print_view: bool = False,
) -> HttpResponse:
    language = translation.get_language()
    page = service_page(service, language=language, at=timezone.now())
    person = SituationForm(request.GET).person()
    if person is not None:
        _with_verdicts([page.card], person=person, language=language, query="")
    markers = [
        {"lat": place.latitude, "lon": place.longitude, "name": place.name or page.card.name, "url": ""}
        for place in page.places
        if place.latitude is not None and place.longitude is not None
    ]
    context = {
        "page": page,
        "card": page.card,
        "report_form": report_form or ProblemReportForm(purpose=str(service.id)),
        "report_error": report_error,
        "report_open": report_form is not None,
        "reported": request.GET.get("reported") == "1",
        "print_view": print_view,
        "share_url": request.build_absolute_uri(page.short_path),
        "map_markers": markers,
    }
    return render(request, "navigator/service_detail.html", context, status=status)


@require_GET
def service_detail(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    service = _service_or_404(service_id)
    return _render_service(request, service, print_view=request.GET.get("print") == "1")


@require_GET
def service_print(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    return _render_service(request, _service_or_404(service_id), print_view=True)


@require_POST
def problem_report(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    service = _service_or_404(service_id)
    form = ProblemReportForm(request.POST, purpose=str(service.id))
    if rate_limit_hit(request=request, scope="report", limit=settings.NAVIGATOR_REPORTS_PER_HOUR):
        form.fresh_token()
        return _render_service(
            request,
            service,
            report_form=form,
            report_error=_("You have sent several reports in a short time. Please try again in an hour."),
            status=429,
        )
    detail_url = reverse("navigator:service", kwargs={"service_id": service.id})
    if request.POST.get("website"):
        # A bot filled in the hidden field: thank it as usual and keep nothing.
        return HttpResponseRedirect(f"{detail_url}?reported=1#report")
    problem = form_token_check(token=request.POST.get("token", ""), purpose=str(service.id))
    if problem is not None:
        form.fresh_token()
        message = {
            TokenProblem.TOO_FAST: _("That was very quick. Please check your report, then send it again."),
            TokenProblem.EXPIRED: _("This form was open for a long time. Please send it again."),
            TokenProblem.INVALID: _("Something went wrong with the form. Please send it again."),
        }[problem]
        return _render_service(request, service, report_form=form, report_error=message, status=400)
    if not form.is_valid():
        form.fresh_token()
        return _render_service(request, service, report_form=form, status=400)
    problem_report_create(
        service=service,
        kind=form.cleaned_data["kind"],
        message=form.cleaned_data["message"],
        contact_email=form.cleaned_data["contact_email"],
        language=translation.get_language(),
    )
    return HttpResponseRedirect(f"{detail_url}?reported=1#report")


@require_GET
def language_switch(request: HttpRequest) -> HttpResponse:
    """Remember the chosen language (cookie) and go to the same page in it; works without JavaScript."""
    code = request.GET.get("to", "")
    if code not in dict(settings.LANGUAGES):
        raise Http404(_("This language is not available."))
    next_url = request.GET.get("next", "")
    if not next_url or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("navigator:home")
    response = redirect(translate_url(next_url, code))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=LANGUAGE_COOKIE_MAX_AGE,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@require_http_methods(["GET", "HEAD"])
def short_link(request: HttpRequest, code: str) -> HttpResponse:
    """A short link to a service; opens in the reader's own language (cookie or browser setting)."""
    service_id = short_code_parse(code)
    if service_id is None:
        raise Http404(_("This link is not valid."))
    return redirect("navigator:service", service_id=service_id)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "navigator/404.html", status=404)
