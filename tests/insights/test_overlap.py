# ruff: noqa: RUF001, E501 -- the labelled texts are in their own scripts and punctuation.
"""The overlap detector (newstart.insights.overlap): its precision and recall on a labelled set of
service pairs, and its rules one by one.

The labelled set: 20 pairs that are true overlaps (two agencies describing the same kind of service,
in their own words, at the same place for the same people; in English, French, Punjabi, Chinese,
Arabic and Spanish) and 20 pairs that merely share a category (a different service under the same
top-level code at the same place, or the same service far away or for another age group).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from newstart.directory.models import LocalArea, Service, TaxonomyTerm
from newstart.insights.overlap import (
    DEFAULT_THRESHOLD,
    OverlapSettings,
    ServiceProfile,
    overlap_pairs,
    service_overlaps,
    service_profiles,
    tfidf_matrix,
)
from tests.directory.factories import (
    LocalAreaFactory,
    LocationFactory,
    OrganizationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyTermFactory,
    link_service_to_term,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Side:
    code: str
    text: dict[str, str]  # language -> "name. description"
    ages: tuple[float | None, float | None] = (None, None)
    far: bool = False  # placed 10 km away from the other side


@dataclass(frozen=True)
class LabelledPair:
    label: str
    overlap: bool
    first: Side
    second: Side


def en(text: str) -> dict[str, str]:
    return {"en": text}


LINC_A = (
    "LINC English classes. Free English language classes for permanent residents and refugees, from literacy "
    "to CLB 7. Morning and evening classes, childminding available."
)
POSITIVES: list[LabelledPair] = [
    LabelledPair(
        "LINC classes",
        True,
        Side("LANG-LINC", en(LINC_A)),
        Side(
            "LANG-LINC",
            en(
                "Free LINC classes. Language Instruction for Newcomers to Canada: free English classes for permanent "
                "residents and protected persons, literacy up to CLB level 7. Daytime and evening classes, with child care."
            ),
        ),
    ),
    LabelledPair(
        "conversation circles",
        True,
        Side(
            "LANG-CONV",
            en(
                "English conversation circle. Practise speaking English in a relaxed weekly group with volunteers. "
                "Meet other newcomers and build your confidence."
            ),
        ),
        Side(
            "LANG-CONV",
            en(
                "Weekly English conversation group. A friendly drop-in circle where newcomers practise speaking "
                "English with volunteer hosts and gain confidence."
            ),
        ),
    ),
    LabelledPair(
        "job search workshops",
        True,
        Side(
            "EMP-SEARCH",
            en(
                "Job search workshops. Workshops on Canadian resumes, cover letters and job interviews for newcomers "
                "looking for work."
            ),
        ),
        Side(
            "EMP-SEARCH",
            en(
                "Employment workshops for newcomers. Learn to write a Canadian-style resume and cover letter and "
                "prepare for job interviews while you look for work."
            ),
        ),
    ),
    LabelledPair(
        "housing search",
        True,
        Side(
            "HOUS-SEARCH",
            en(
                "Help finding a rental home. A housing worker helps newcomers search for rental housing, understand "
                "tenancy agreements and talk to landlords."
            ),
        ),
        Side(
            "HOUS-SEARCH",
            en(
                "Rental housing search support. Newcomers get help looking for an apartment to rent, reading a "
                "tenancy agreement and contacting landlords."
            ),
        ),
    ),
    LabelledPair(
        "tax clinics",
        True,
        Side(
            "MONEY-TAX",
            en(
                "Free income tax clinic. Volunteers file simple income tax returns for newcomers and families with "
                "low income, so you can receive benefits."
            ),
        ),
        Side(
            "MONEY-TAX",
            en(
                "Community tax clinic. Free help filing your income tax return if you have a modest income; "
                "volunteers prepare simple returns so newcomers get their benefits."
            ),
        ),
    ),
    LabelledPair(
        "food banks",
        True,
        Side(
            "FOOD-BANK",
            en(
                "Weekly food bank. Free groceries every week for families and individuals in need; bring your own "
                "bags. No referral needed."
            ),
        ),
        Side(
            "FOOD-BANK",
            en(
                "Community food bank. Pick up free groceries once a week if your family is in need. No referral is "
                "needed; please bring bags."
            ),
        ),
    ),
    LabelledPair(
        "citizenship test study",
        True,
        Side(
            "CIT-TEST",
            en(
                "Citizenship test preparation. Study Discover Canada with a group and practise questions for the "
                "Canadian citizenship test."
            ),
        ),
        Side(
            "CIT-TEST",
            en(
                "Preparing for the citizenship test. A study group on the Discover Canada guide with practice "
                "questions before your Canadian citizenship test."
            ),
        ),
    ),
    LabelledPair(
        "immigration legal clinic",
        True,
        Side(
            "LEGAL-IMM",
            en(
                "Immigration legal clinic. Free advice from a lawyer on immigration status, sponsorship and "
                "permanent residence applications."
            ),
        ),
        Side(
            "LEGAL-IMM",
            en(
                "Free immigration law advice. A lawyer answers questions about your immigration status, family "
                "sponsorship and applying for permanent residence."
            ),
        ),
    ),
    LabelledPair(
        "counselling in own language",
        True,
        Side(
            "HEALTH-MENTAL",
            en(
                "Counselling in your language. Free short-term counselling for newcomers dealing with stress, "
                "isolation or trauma, in your own language."
            ),
        ),
        Side(
            "HEALTH-MENTAL",
            en(
                "Multilingual counselling for newcomers. Free, short-term counselling in your own language for "
                "stress, loneliness and trauma."
            ),
        ),
    ),
    LabelledPair(
        "settlement workers in schools",
        True,
        Side(
            "CHILD-SCHOOL",
            en(
                "Settlement workers in schools. Help for newcomer families with school registration, meeting "
                "teachers and understanding the school system."
            ),
        ),
        Side(
            "CHILD-SCHOOL",
            en(
                "School settlement support. Settlement workers help newcomer families register at school, talk "
                "with teachers and understand how schools work."
            ),
        ),
    ),
    LabelledPair(
        "needs assessment",
        True,
        Side(
            "ORIENT-NEEDS",
            en(
                "Needs assessment and settlement plan. Meet a settlement worker to assess your needs and make a "
                "settlement plan with referrals."
            ),
        ),
        Side(
            "ORIENT-NEEDS",
            en(
                "Settlement needs assessment. A settlement worker assesses your family's needs, makes a settlement "
                "plan with you and refers you to services."
            ),
        ),
    ),
    LabelledPair(
        "mentoring",
        True,
        Side(
            "EMP-MENTOR",
            en(
                "Professional mentoring. Internationally trained professionals are matched with a mentor working "
                "in their field in Canada."
            ),
        ),
        Side(
            "EMP-MENTOR",
            en(
                "Mentoring for internationally trained professionals. Get matched with a mentor who works in your "
                "profession in Canada."
            ),
        ),
    ),
    LabelledPair(
        "refugee claimant support",
        True,
        Side(
            "REFUGEE-CLAIM",
            en(
                "Refugee claimant support. Help for refugee claimants preparing their Basis of Claim form and "
                "their hearing, with referrals to legal aid."
            ),
        ),
        Side(
            "REFUGEE-CLAIM",
            en(
                "Support for refugee claimants. Help preparing the Basis of Claim form and getting ready for the "
                "hearing; referrals to legal aid lawyers."
            ),
        ),
    ),
    LabelledPair(
        "French classes (fr)",
        True,
        Side(
            "LANG-FR",
            {
                "fr": "Cours de français gratuits. Des cours de français pour les nouveaux arrivants adultes, du "
                "niveau débutant à intermédiaire, le soir."
            },
        ),
        Side(
            "LANG-FR",
            {
                "fr": "Cours de français pour nouveaux arrivants. Cours gratuits de français pour adultes "
                "nouvellement arrivés, niveaux débutant et intermédiaire, en soirée."
            },
        ),
    ),
    LabelledPair(
        "LINC classes (pa)",
        True,
        Side(
            "LANG-LINC",
            {
                "pa": "ਮੁਫ਼ਤ ਅੰਗਰੇਜ਼ੀ ਕਲਾਸਾਂ। ਪੱਕੇ ਵਸਨੀਕਾਂ ਅਤੇ ਸ਼ਰਨਾਰਥੀਆਂ ਲਈ ਮੁਫ਼ਤ ਅੰਗਰੇਜ਼ੀ ਭਾਸ਼ਾ ਦੀਆਂ ਕਲਾਸਾਂ, "
                "ਸਵੇਰ ਅਤੇ ਸ਼ਾਮ ਨੂੰ। ਬੱਚਿਆਂ ਦੀ ਦੇਖਭਾਲ ਉਪਲਬਧ ਹੈ।"
            },
        ),
        Side(
            "LANG-LINC",
            {
                "pa": "ਨਵੇਂ ਆਏ ਲੋਕਾਂ ਲਈ ਅੰਗਰੇਜ਼ੀ ਕਲਾਸਾਂ। ਪੱਕੇ ਵਸਨੀਕਾਂ ਅਤੇ ਸ਼ਰਨਾਰਥੀਆਂ ਲਈ ਮੁਫ਼ਤ ਅੰਗਰੇਜ਼ੀ ਕਲਾਸਾਂ, "
                "ਦਿਨ ਅਤੇ ਸ਼ਾਮ ਦੀਆਂ ਕਲਾਸਾਂ, ਬੱਚਿਆਂ ਦੀ ਦੇਖਭਾਲ ਨਾਲ।"
            },
        ),
    ),
    LabelledPair(
        "tax clinics (zh-hans)",
        True,
        Side(
            "MONEY-TAX", {"zh-hans": "免费报税诊所。义工为低收入新移民和家庭免费申报简单的个人所得税，帮助您领取福利。"}
        ),
        Side(
            "MONEY-TAX",
            {"zh-hans": "社区免费报税服务。义工为收入不高的新移民免费准备简单的所得税申报表，让您领取福利。"},
        ),
    ),
    LabelledPair(
        "food banks (ar)",
        True,
        Side(
            "FOOD-BANK",
            {
                "ar": "بنك طعام أسبوعي. مواد غذائية مجانية كل أسبوع للعائلات والأفراد المحتاجين، أحضر أكياسك. لا حاجة لإحالة."
            },
        ),
        Side(
            "FOOD-BANK",
            {
                "ar": "بنك الطعام المجتمعي. احصل على مواد غذائية مجانية مرة كل أسبوع إذا كانت عائلتك محتاجة. لا حاجة لإحالة."
            },
        ),
    ),
    LabelledPair(
        "job search workshops (es)",
        True,
        Side(
            "EMP-SEARCH",
            {
                "es": "Talleres de búsqueda de empleo. Talleres sobre currículum canadiense, cartas de presentación y "
                "entrevistas de trabajo para recién llegados."
            },
        ),
        Side(
            "EMP-SEARCH",
            {
                "es": "Talleres de empleo para recién llegados. Aprenda a escribir un currículum canadiense y una carta "
                "de presentación y a prepararse para entrevistas de trabajo."
            },
        ),
    ),
    LabelledPair(
        "housing search (en + fr, fr only)",
        True,
        Side(
            "HOUS-SEARCH",
            {
                "en": "Housing help for newcomers. Help searching for rental housing and understanding your lease.",
                "fr": "Aide au logement pour les nouveaux arrivants. Aide pour chercher un logement à louer et "
                "comprendre votre bail.",
            },
        ),
        Side(
            "HOUS-SEARCH",
            {
                "fr": "Recherche de logement locatif. Nous aidons les nouveaux arrivants à chercher un logement à louer "
                "et à comprendre leur bail."
            },
        ),
    ),
    LabelledPair(
        "seniors programs",
        True,
        Side(
            "COMM-SENIORS",
            en(
                "Newcomer seniors program. Weekly activities, outings and information sessions for immigrant seniors "
                "to meet others and stay active."
            ),
            ages=(55, None),
        ),
        Side(
            "COMM-SENIORS",
            en(
                "Immigrant seniors club. Weekly gatherings, outings and information sessions where newcomer seniors "
                "meet others and stay active."
            ),
            ages=(60, None),
        ),
    ),
]

NEGATIVES: list[LabelledPair] = [
    LabelledPair(
        "LINC classes vs language assessment",
        False,
        Side("LANG-LINC", en(LINC_A)),
        Side(
            "LANG-CLB",
            en(
                "Language assessment. Book a Canadian Language Benchmarks (CLB) assessment of your English level "
                "before you register for LINC classes."
            ),
        ),
    ),
    LabelledPair(
        "job search vs bridging program",
        False,
        Side(
            "EMP-SEARCH",
            en("Job search workshops. Workshops on Canadian resumes, cover letters and interviews for newcomers."),
        ),
        Side(
            "EMP-BRIDGE",
            en(
                "Bridging program for engineers. Technical training and a work placement for internationally "
                "educated engineers on the way to licensure."
            ),
        ),
    ),
    LabelledPair(
        "housing search vs emergency shelter",
        False,
        Side(
            "HOUS-SEARCH",
            en("Help finding a rental home. A housing worker helps newcomers search for rental housing."),
        ),
        Side(
            "HOUS-EMERG",
            en(
                "Emergency shelter beds. Overnight shelter and meals for people who have nowhere to sleep tonight; "
                "open every day."
            ),
        ),
    ),
    LabelledPair(
        "tax clinic vs child benefit help",
        False,
        Side(
            "MONEY-TAX",
            en("Free income tax clinic. Volunteers file simple income tax returns for newcomers with low income."),
        ),
        Side(
            "MONEY-BENEFIT",
            en(
                "Help applying for the Canada Child Benefit. We help parents fill in the application for monthly "
                "child benefit payments."
            ),
        ),
    ),
    LabelledPair(
        "food bank vs community kitchen",
        False,
        Side("FOOD-BANK", en("Weekly food bank. Free groceries every week for families in need.")),
        Side(
            "FOOD-MEALS",
            en(
                "Community kitchen. Cook and share a hot meal together with neighbours on Thursday evenings and "
                "learn new recipes."
            ),
        ),
    ),
    LabelledPair(
        "counselling vs walk-in clinic",
        False,
        Side(
            "HEALTH-MENTAL",
            en("Counselling in your language. Free short-term counselling for newcomers dealing with stress."),
        ),
        Side(
            "HEALTH-CLINIC",
            en(
                "Walk-in clinic for uninsured patients. Doctors and nurses see people without MSP coverage for "
                "check-ups and minor illness."
            ),
        ),
    ),
    LabelledPair(
        "school settlement vs youth club",
        False,
        Side(
            "CHILD-SCHOOL",
            en("Settlement workers in schools. Help for newcomer families with school registration."),
        ),
        Side(
            "CHILD-YOUTH",
            en(
                "Youth leadership club. Teens build leadership skills, volunteer in the community and make friends "
                "through sports and art."
            ),
        ),
    ),
    LabelledPair(
        "immigration clinic vs employment standards",
        False,
        Side(
            "LEGAL-IMM",
            en("Immigration legal clinic. Free advice from a lawyer on immigration status and sponsorship."),
        ),
        Side(
            "LEGAL-WORK",
            en(
                "Know your rights at work. Information on minimum wage, overtime, unpaid wages and employment "
                "standards complaints."
            ),
        ),
    ),
    LabelledPair(
        "citizenship test vs application forms",
        False,
        Side(
            "CIT-TEST",
            en("Citizenship test preparation. Study Discover Canada with a group and practise test questions."),
        ),
        Side(
            "CIT-APPLY",
            en(
                "Citizenship application help. A worker checks your application form, documents and fee payment "
                "before you mail it."
            ),
        ),
    ),
    LabelledPair(
        "volunteering vs cultural events",
        False,
        Side(
            "COMM-VOLUNTEER",
            en("Volunteer matching. Find volunteer work that builds Canadian experience and references."),
        ),
        Side(
            "COMM-EVENTS",
            en("Cultural festival and potluck. Music, dance and food from around the world, every summer in the park."),
        ),
    ),
    LabelledPair(
        "needs assessment vs information sessions",
        False,
        Side(
            "ORIENT-NEEDS",
            en("Needs assessment and settlement plan. Meet a settlement worker to assess your needs."),
        ),
        Side(
            "ORIENT-INFO",
            en(
                "Life in Canada information sessions. Monthly talks on banking, transit, health care and renting, "
                "open to everyone."
            ),
        ),
    ),
    LabelledPair(
        "interpretation vs document translation",
        False,
        Side(
            "INTERP-INTERP",
            en("Interpreters for appointments. A trained interpreter comes with you to medical or legal appointments."),
        ),
        Side(
            "INTERP-TRANSLATE",
            en(
                "Certified document translation. Official translations of birth certificates, diplomas and "
                "licences for immigration applications."
            ),
        ),
    ),
    LabelledPair(
        "refugee claim vs refugee housing",
        False,
        Side(
            "REFUGEE-CLAIM",
            en("Refugee claimant support. Help preparing the Basis of Claim form and the hearing."),
        ),
        Side(
            "REFUGEE-HOUSING",
            en(
                "Transitional housing for refugee claimants. Furnished rooms for up to six months while you look "
                "for a permanent home."
            ),
        ),
    ),
    LabelledPair(
        "conversation circles far apart",
        False,
        Side(
            "LANG-CONV",
            en("English conversation circle. Practise speaking English in a relaxed weekly group with volunteers."),
        ),
        Side(
            "LANG-CONV",
            en("Weekly English conversation group. Newcomers practise speaking English with volunteer hosts."),
            far=True,
        ),
    ),
    LabelledPair(
        "job search workshops far apart",
        False,
        Side("EMP-SEARCH", en("Job search workshops on Canadian resumes, cover letters and job interviews.")),
        Side(
            "EMP-SEARCH",
            en("Employment workshops: write a Canadian resume and cover letter and prepare for job interviews."),
            far=True,
        ),
    ),
    LabelledPair(
        "conversation club for teens vs seniors",
        False,
        Side(
            "LANG-CONV",
            en("Teen English conversation club. Newcomer teens practise speaking English after school."),
            ages=(13, 18),
        ),
        Side(
            "LANG-CONV",
            en("Seniors English conversation circle. Newcomer seniors practise speaking English over tea."),
            ages=(60, None),
        ),
    ),
    LabelledPair(
        "homework club for children vs teens",
        False,
        Side("CHILD-HOMEWORK", en("Homework club. Volunteers help children with homework after school."), ages=(6, 12)),
        Side(
            "CHILD-HOMEWORK",
            en("Homework help for teens. Volunteers help high school students with homework after school."),
            ages=(13, 18),
        ),
    ),
    LabelledPair(
        "French classes vs French assessment (fr)",
        False,
        Side(
            "LANG-FR",
            {"fr": "Cours de français gratuits. Des cours de français pour les nouveaux arrivants adultes, le soir."},
        ),
        Side(
            "LANG-CLB",
            {
                "fr": "Évaluation linguistique. Prenez rendez-vous pour évaluer votre niveau selon les Niveaux de "
                "compétence linguistique canadiens."
            },
        ),
    ),
    LabelledPair(
        "English classes vs conversation circle (pa)",
        False,
        Side(
            "LANG-LINC",
            {"pa": "ਮੁਫ਼ਤ ਅੰਗਰੇਜ਼ੀ ਕਲਾਸਾਂ। ਪੱਕੇ ਵਸਨੀਕਾਂ ਅਤੇ ਸ਼ਰਨਾਰਥੀਆਂ ਲਈ ਮੁਫ਼ਤ ਅੰਗਰੇਜ਼ੀ ਭਾਸ਼ਾ ਦੀਆਂ ਕਲਾਸਾਂ।"},
        ),
        Side("LANG-CONV", {"pa": "ਗੱਲਬਾਤ ਦਾ ਘੇਰਾ। ਹਰ ਹਫ਼ਤੇ ਵਲੰਟੀਅਰਾਂ ਨਾਲ ਆਰਾਮ ਨਾਲ ਬੋਲਣ ਦਾ ਅਭਿਆਸ ਕਰੋ ਅਤੇ ਦੋਸਤ ਬਣਾਓ।"}),
    ),
    LabelledPair(
        "tax clinic vs child benefit (zh-hans)",
        False,
        Side("MONEY-TAX", {"zh-hans": "免费报税诊所。义工为低收入新移民免费申报简单的个人所得税。"}),
        Side("MONEY-BENEFIT", {"zh-hans": "加拿大儿童福利金申请协助。我们帮助父母填写每月儿童福利金的申请表。"}),
    ),
]
LABELLED = POSITIVES + NEGATIVES

# Where each labelled pair sits: its own area, 1.5 km apart from the next; "far" sides 10 km east.
BASE_LATITUDE, BASE_LONGITUDE = 49.20, -123.20


def _term(code: str) -> TaxonomyTerm:
    term = TaxonomyTerm.objects.filter(code=code).first()
    return term or TaxonomyTermFactory(code=code, name=code)


def _service(side: Side, *, area: LocalArea, latitude: float, longitude: float) -> Service:
    languages = list(side.text)
    source = languages[0]
    name, _dot, description = side.text[source].partition(". ")
    translations = {}
    for language in languages[1:]:
        other_name, _dot, other_description = side.text[language].partition(". ")
        translations[language] = {"name": other_name, "description": other_description}
    service = ServiceFactory(
        name=name,
        description=description,
        source_language=source,
        minimum_age=side.ages[0],
        maximum_age=side.ages[1],
        organization=OrganizationFactory(),
        translations=translations,
    )
    link_service_to_term(service, _term(side.code))
    location = LocationFactory(
        organization=service.organization, latitude=latitude, longitude=longitude, local_area=area
    )
    ServiceAtLocationFactory(service=service, location=location)
    return service


def build_labelled_set() -> list[tuple[LabelledPair, frozenset[uuid.UUID]]]:
    built = []
    far_area = LocalAreaFactory(name="Far Away", centroid_latitude=BASE_LATITUDE, centroid_longitude=-123.05)
    for index, pair in enumerate(LABELLED):
        latitude = BASE_LATITUDE + 0.0135 * (index % 8)  # 1.5 km steps north
        longitude = BASE_LONGITUDE + 0.021 * (index // 8)  # 1.5 km steps east
        area = LocalAreaFactory(name=f"Labelled area {index}", centroid_latitude=latitude, centroid_longitude=longitude)
        first = _service(pair.first, area=area, latitude=latitude, longitude=longitude)
        if pair.second.far:
            second = _service(pair.second, area=far_area, latitude=latitude, longitude=longitude + 0.14)
        else:
            second = _service(pair.second, area=area, latitude=latitude + 0.001, longitude=longitude + 0.001)
        built.append((pair, frozenset({first.pk, second.pk})))
    return built


def precision_recall(
    detected: set[frozenset[uuid.UUID]], built: list[tuple[LabelledPair, frozenset[uuid.UUID]]]
) -> tuple[float, float, list[str]]:
    true_positive = sum(1 for pair, key in built if pair.overlap and key in detected)
    false_positive = [pair.label for pair, key in built if not pair.overlap and key in detected]
    missed = [pair.label for pair, key in built if pair.overlap and key not in detected]
    listed = true_positive + len(false_positive)
    precision = true_positive / listed if listed else 0.0
    recall = true_positive / sum(1 for pair, _key in built if pair.overlap)
    return (
        precision,
        recall,
        [*(f"false positive: {label}" for label in false_positive), *(f"missed: {label}" for label in missed)],
    )


def test_labelled_set_has_forty_pairs():
    assert len(POSITIVES) == 20
    assert len(NEGATIVES) == 20


def test_precision_and_recall_on_the_labelled_set(capsys: Any):
    built = build_labelled_set()
    pairs = service_overlaps()
    detected = {pair.key for pair in pairs}
    precision, recall, mistakes = precision_recall(detected, built)
    with capsys.disabled():
        print(
            f"\noverlap detector at threshold {DEFAULT_THRESHOLD}: precision {precision:.2f}, recall {recall:.2f} "
            f"on {len(POSITIVES)} overlapping and {len(NEGATIVES)} same-category pairs"
        )
        for mistake in mistakes:
            print(f"  {mistake}")
        scored = overlap_pairs(service_profiles(), listed_only=False)
        for threshold in (0.4, 0.45, 0.55, 0.6):
            p, r, _m = precision_recall({x.key for x in scored if x.similarity >= threshold}, built)
            print(f"  at threshold {threshold}: precision {p:.2f}, recall {r:.2f}")
    assert precision >= 0.8
    # Recall is reported, not a bar; but a detector that finds almost nothing is broken.
    assert recall >= 0.5


def test_every_listed_pair_says_why_and_is_ranked_by_similarity():
    build_labelled_set()
    pairs = service_overlaps()
    assert pairs
    similarities = [pair.similarity for pair in pairs]
    assert similarities == sorted(similarities, reverse=True)
    for pair in pairs:
        assert len(pair.reasons) == 4
        assert pair.similarity >= DEFAULT_THRESHOLD
        assert "same category" in pair.reasons[0]


def test_a_lower_threshold_lists_more_and_a_wider_distance_finds_far_pairs():
    built = build_labelled_set()
    default = {pair.key for pair in service_overlaps()}
    loose = {pair.key for pair in service_overlaps(settings=OverlapSettings(threshold=0.3))}
    assert default < loose
    far_key = next(key for pair, key in built if pair.label == "conversation circles far apart")
    assert far_key not in default
    assert far_key in {pair.key for pair in service_overlaps(settings=OverlapSettings(distance_km=15))}


def test_different_top_level_categories_are_never_compared():
    area = LocalAreaFactory(name="Same Place")
    text = en("Free help for newcomers. The same words in both services, word for word.")
    one = _service(Side("FOOD-BANK", text), area=area, latitude=49.26, longitude=-123.11)
    two = _service(Side("HOUS-SEARCH", text), area=area, latitude=49.26, longitude=-123.11)
    assert frozenset({one.pk, two.pk}) not in {pair.key for pair in service_overlaps()}
    # Give the second one the first's category too: now they are the same service.
    link_service_to_term(two, _term("FOOD-BANK"))
    listed = service_overlaps()
    assert [pair.key for pair in listed] == [frozenset({one.pk, two.pk})]
    assert listed[0].text_similarity == pytest.approx(1.0)


def test_inactive_services_are_left_out():
    area = LocalAreaFactory(name="Same Place")
    text = en("Weekly food bank. Free groceries every week.")
    one = _service(Side("FOOD-BANK", text), area=area, latitude=49.26, longitude=-123.11)
    two = _service(Side("FOOD-BANK", text), area=area, latitude=49.26, longitude=-123.11)
    assert len(service_overlaps()) == 1
    Service.objects.filter(pk=two.pk).update(status="inactive")
    assert service_overlaps() == []
    assert [p.id for p in service_profiles()] == [one.pk]


def test_services_without_a_common_language_are_compared_through_search_concepts():
    def profile(texts: dict[str, str], concepts: set[str]) -> ServiceProfile:
        return ServiceProfile(
            id=uuid.uuid4(),
            name="x",
            organization="",
            codes=frozenset({"LANG-LINC"}),
            areas={1: "Sunset"},
            points=[(49.22, -123.09)],
            min_age=None,
            max_age=None,
            texts=texts,
            concepts=frozenset(concepts),
        )

    pairs = overlap_pairs(
        [
            profile({"pa": "ਅੰਗਰੇਜ਼ੀ ਕਲਾਸਾਂ"}, {"language", "english", "adults"}),
            profile({"zh-hans": "英语课程"}, {"language", "english", "adults", "youth"}),
        ],
        listed_only=False,
    )
    assert len(pairs) == 1
    assert pairs[0].text_languages == ()
    assert pairs[0].text_similarity == pytest.approx(0.75)
    assert "search concepts" in pairs[0].reasons[3]


def test_tfidf_rows_are_unit_vectors_and_identical_texts_have_cosine_one():
    matrix = tfidf_matrix(["English classes", "English classes", "Food bank", ""])
    products = (matrix @ matrix.T).toarray()
    assert products[0, 1] == pytest.approx(1.0)
    assert products[0, 2] < 0.2
    assert products[2, 2] == pytest.approx(1.0)
    assert products[3, 3] == 0.0
