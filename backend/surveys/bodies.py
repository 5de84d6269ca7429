"""The editor's draft of a survey's questions, as a typed body (backend/bodies.py).

The body checks the envelope: which parts a draft has and their size. The questions themselves are checked by
the survey file loader (`definitions.parse_survey`), so a console draft and a survey file pass the same rules
and give the same sentences ("Question 3: give between 2 and 12 choices.").
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StringConstraints

from backend.bodies import Body, Says
from backend.surveys.definitions import AGE_TIERS, KINDS

QUESTION_SHAPE = (
    "Each question has an `id` (lower case, digits and _), a `kind` ("
    + ", ".join(KINDS)
    + "), its `text` and, as its kind needs, `hint`, `required`, `options` [{id, label}] (2 to 12), `min`/`max` "
    "and their labels."
)


class SurveyDraft(Body):
    """PUT /api/v1/admin/surveys/{slug}/draft: the survey's words, audience and questions, replacing the draft."""

    unknown_fields_say = "Send only the survey's words, audience and questions."

    title: Annotated[
        str, StringConstraints(max_length=120), Says("Give the survey's title, up to 120 characters.")
    ] = Field(title="Title")
    intro: Annotated[
        str, StringConstraints(max_length=600), Says("Keep the introduction to 600 characters.")
    ] = Field(title="Introduction")
    purpose: Annotated[
        str, StringConstraints(max_length=600), Says("Keep what the answers are for to 600 characters.")
    ] = Field(title="What the answers are for")
    audience: Annotated[dict[str, Any], Says("Choose the age groups the survey is for.")] = Field(
        default_factory=dict,
        title="Who it is for",
        description="`tiers`: some of " + ", ".join(AGE_TIERS) + "; none: every age.",
    )
    free_text: Annotated[bool, Says("Choose whether the survey has a free-text box.")] = Field(
        default=False, title="Free-text box"
    )
    questions: Annotated[
        list[dict[str, Any]], Field(max_length=30), Says("A survey can have at most 30 questions.")
    ] = Field(title="Questions", description=QUESTION_SHAPE)
