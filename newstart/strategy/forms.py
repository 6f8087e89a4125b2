"""Forms of the strategy workspace. They validate input; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from newstart.directory.models import Service
from newstart.partnership.models import Body, FocusArea, PartnerOrganization, WelcomingCharacteristic
from newstart.strategy.models import (
    SCORE_MAX,
    SCORE_MIN,
    Activity,
    AdvisoryInput,
    AdvisoryPosition,
    AmendableField,
    Criterion,
    DecisionOutcome,
    EquityQuestion,
    Evidence,
    Gap,
    Indicator,
    Proposal,
)


def _reference_fields(form: forms.ModelForm[Any]) -> None:
    """Querysets for the reference lists that every form shares (with their translations)."""
    if "focus_area" in form.fields:
        form.fields["focus_area"].queryset = FocusArea.objects.filter(active=True).prefetch_related(  # type: ignore[attr-defined]
            "translations"
        )
    if "characteristics" in form.fields:
        form.fields["characteristics"].queryset = WelcomingCharacteristic.objects.prefetch_related(  # type: ignore[attr-defined]
            "translations"
        )
        form.fields["characteristics"].widget = forms.CheckboxSelectMultiple(
            choices=form.fields["characteristics"].choices  # type: ignore[attr-defined]
        )
    for name in ("organizations", "partner_organizations", "lead_organization"):
        if name in form.fields:
            form.fields[name].queryset = PartnerOrganization.objects.filter(active=True)  # type: ignore[attr-defined]


class ActivityForm(forms.ModelForm[Activity]):
    class Meta:
        model = Activity
        fields = (
            "body",
            "title",
            "description",
            "organizations",
            "focus_area",
            "characteristics",
            "population_served",
            "services",
            "funding",
            "reach_count",
            "reach_unit",
        )

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]
        _reference_fields(self)
        # The directory lists thousands of services: offer those of the partner organizations only.
        self.fields["services"].queryset = (  # type: ignore[attr-defined]
            Service.objects.filter(organization__partner_organizations__active=True)
            .distinct()
            .prefetch_related("translations")
        )


class GapForm(forms.ModelForm[Gap]):
    class Meta:
        model = Gap
        fields = (
            "body",
            "title",
            "description",
            "populations_affected",
            "severity",
            "focus_area",
            "characteristics",
            "status",
        )

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]
        _reference_fields(self)


class EvidenceForm(forms.ModelForm[Evidence]):
    link = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Evidence
        fields = ("kind", "text", "link", "activity")
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, activities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities  # type: ignore[attr-defined]


class ProposalForm(forms.ModelForm[Proposal]):
    """The proposal, with one answer field per active equity lens question (``equity_<id>``)."""

    class Meta:
        model = Proposal
        fields = (
            "body",
            "title",
            "problem",
            "action",
            "lead_organization",
            "partner_organizations",
            "resources",
            "timeline",
            "focus_area",
            "characteristics",
            "gaps",
        )

    def __init__(
        self,
        *args: Any,
        bodies: Any,
        gaps: Any,
        questions: list[EquityQuestion],
        answers: dict[int, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]
        self.fields["gaps"].queryset = gaps  # type: ignore[attr-defined]
        self.fields["gaps"].widget = forms.CheckboxSelectMultiple(choices=self.fields["gaps"].choices)  # type: ignore[attr-defined]
        _reference_fields(self)
        self.questions = questions
        for question in questions:
            self.fields[f"equity_{question.pk}"] = forms.CharField(
                label=str(question),
                help_text=question.safe_translation_getter("help_text", any_language=True) or "",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=answers.get(question.pk, ""),
            )

    def equity_answers(self) -> dict[int, str]:
        return {question.pk: self.cleaned_data.get(f"equity_{question.pk}", "") for question in self.questions}


def model_data(form: forms.ModelForm[Any]) -> dict[str, Any]:
    """The cleaned values of a model form's model fields, for a service."""
    return {name: form.cleaned_data[name] for name in form._meta.fields or ()}


class IndicatorForm(forms.ModelForm[Indicator]):
    class Meta:
        model = Indicator
        fields = ("name", "baseline", "target", "unit", "source")


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class AmendmentForm(forms.Form):
    field = forms.ChoiceField(label=_("Part of the proposal"), choices=AmendableField.choices)
    proposed_text = forms.CharField(label=_("Proposed text"), widget=forms.Textarea(attrs={"rows": 4}))
    rationale = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AdvisoryInputForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Advisory table"), queryset=Body.objects.none())
    position = forms.ChoiceField(label=_("Position"), choices=AdvisoryPosition.choices)
    text = forms.CharField(label=_("Input"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(existing: AdvisoryInput | None) -> dict[str, Any]:
        if existing is None:
            return {}
        return {"body": existing.body_id, "position": existing.position, "text": existing.text}


class ScoreForm(forms.Form):
    """One 0 to 5 choice per criterion (``criterion_<id>``)."""

    def __init__(self, *args: Any, criteria: list[Criterion], current: dict[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        choices = [(value, str(value)) for value in range(SCORE_MIN, SCORE_MAX + 1)]
        for criterion in criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                help_text=criterion.description,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                initial=current.get(criterion.pk),
            )

    def values(self) -> dict[int, int]:
        return {criterion.pk: self.cleaned_data[f"criterion_{criterion.pk}"] for criterion in self.criteria}


class VoteForm(forms.Form):
    """How many votes to put on each proposal (``proposal_<id>``)."""

    def __init__(
        self, *args: Any, proposals: list[Proposal], current: dict[int, int], maximum: int | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.proposals = proposals
        for proposal in proposals:
            self.fields[f"proposal_{proposal.pk}"] = forms.IntegerField(
                label=proposal.title,
                min_value=0,
                max_value=maximum,
                initial=current.get(proposal.pk, 0),
                required=False,
            )

    def allocation(self) -> dict[int, int]:
        return {p.pk: self.cleaned_data.get(f"proposal_{p.pk}") or 0 for p in self.proposals}


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=DecisionOutcome.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))
    changes = forms.CharField(
        label=_("Changes required"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("For a proposal accepted with changes: which changes."),
    )
    decided_at = forms.DateField(label=_("Decided on"), widget=forms.DateInput(attrs={"type": "date"}))
