"""What can go wrong with a survey, in words a young person or an editor can act on."""

from __future__ import annotations

from typing import Any

from backend.domain_errors import DomainError


class SurveyError(DomainError):
    """Base for survey errors."""


class SurveyNotFound(SurveyError):
    def __init__(self) -> None:
        super().__init__("unknown_survey", "There is no survey with that name.")


class SurveyClosed(SurveyError):
    def __init__(self) -> None:
        super().__init__(
            "survey_closed", "This survey is not open at the moment. Thank you for wanting to help."
        )


class AnswersInvalid(SurveyError):
    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(code, message, details or {})


class WindowInvalid(SurveyError):
    def __init__(self, message: str, field: str) -> None:
        super().__init__("invalid_window", message, {"field": field})


class ReportNotReady(SurveyError):
    def __init__(self, message: str) -> None:
        super().__init__("report_not_ready", message)


class SecondEditorNeeded(SurveyError):
    def __init__(self) -> None:
        super().__init__(
            "second_person_needed",
            "A change to a survey is published by a different editor from the one who wrote it. "
            "Ask another editor to check and publish it.",
        )


class DraftInvalid(SurveyError):
    def __init__(self, message: str, field: str) -> None:
        super().__init__("invalid_survey", message, {"field": field})
