"""Which questions a survey asks: its file in content/surveys, or a newer version an editor wrote and a second
editor published (like key messages, two people for every change young people will see).

A survey period keeps the version that was live when it opened, so answers in one period all answer the same
questions; a change published later applies from the next period.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from backend.surveys.definitions import DefinitionError, Survey, load_surveys, parse_survey
from backend.surveys.errors import DraftInvalid, SecondEditorNeeded, SurveyNotFound
from backend.surveys.models import SurveyEdition, SurveyWindow


async def current_surveys(content_dir: Path) -> dict[str, Survey]:
    """Every survey at its newest published version (files, overridden by newer published editions)."""
    surveys = dict(load_surveys(Path(content_dir)))
    for edition in await SurveyEdition.filter(status="published").order_by("version"):
        base = surveys.get(edition.survey)
        if base is not None and edition.version > base.version:
            surveys[edition.survey] = parse_survey(edition.definition, slug=edition.survey)
    return surveys


async def survey_for_window(content_dir: Path, survey: Survey, window: SurveyWindow | None) -> Survey:
    """The version a period answers (the one live when it opened); the current one without a period."""
    if window is None or window.survey_version in (None, survey.version):
        return survey
    file_version = load_surveys(Path(content_dir)).get(survey.slug)
    if file_version is not None and file_version.version == window.survey_version:
        return file_version
    edition = await SurveyEdition.get_or_none(
        survey=survey.slug, version=window.survey_version, status="published"
    )
    return parse_survey(edition.definition, slug=survey.slug) if edition else survey


async def find(content_dir: Path, slug: str) -> Survey:
    found = (await current_surveys(content_dir)).get(slug)
    if found is None:
        raise SurveyNotFound()
    return found


async def draft_of(slug: str) -> SurveyEdition | None:
    return await SurveyEdition.filter(survey=slug, status="draft").order_by("-id").first()


async def save_draft(*, current: Survey, fields: dict[str, Any], author_id: int | None) -> SurveyEdition:
    """Check the whole definition as the file loader would; one draft per survey, replaced by each save."""
    definition = {**fields, "slug": current.slug, "version": current.version + 1}
    try:
        parse_survey(definition, slug=current.slug)
    except DefinitionError as exc:
        raise DraftInvalid(exc.message, exc.field) from None
    draft = await draft_of(current.slug)
    if draft is None:
        return await SurveyEdition.create(
            survey=current.slug, version=current.version + 1, definition=definition, author_id=author_id
        )
    draft.definition, draft.version, draft.author_id = definition, current.version + 1, author_id
    await draft.save()
    return draft


async def publish_draft(*, current: Survey, publisher_id: int | None) -> SurveyEdition:
    draft = await draft_of(current.slug)
    if draft is None:
        raise DraftInvalid("There is no change waiting to be published for this survey.", "draft")
    if draft.author_id is not None and draft.author_id == publisher_id:
        raise SecondEditorNeeded()
    draft.status, draft.version = "published", current.version + 1
    draft.definition = {**draft.definition, "version": draft.version}
    draft.published_by_id, draft.published_at = publisher_id, dt.datetime.now(dt.UTC)
    await draft.save()
    return draft
