"""A 14-year-old answers the travel survey on the phone, loses the connection as they send, and the answers
arrive once when the phone is back online; nothing on the server says which phone or where exactly."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from backend.settings import Settings
from tests.browser.conftest import (
    axe_violations,
    new_phone,
    run_in_database,
    screenshot,
    wait_for_service_worker,
    wait_until,
)
from tests.support.server import live_server

pytestmark = pytest.mark.browser

AREA = "north-london-demo"


def _open_travel_survey(settings: Settings) -> None:
    from backend.api.surveys import london_today
    from backend.surveys.models import SurveyWindow

    async def work() -> None:
        today = london_today()
        await SurveyWindow.create(
            survey="travel-home", opens_on=today, closes_on=today + dt.timedelta(days=28)
        )

    run_in_database(settings, work)


def _stored(settings: Settings) -> tuple[list[dict[str, Any]], list[str]]:
    from backend.surveys.models import SurveyDevice, SurveyResponse

    async def work() -> tuple[list[dict[str, Any]], list[str]]:
        rows = await SurveyResponse.all()
        return [dict(r.answers, _tier=r.tier, _school=r.school_urn) for r in rows], [
            d.token_hash for d in await SurveyDevice.all()
        ]

    result: tuple[list[dict[str, Any]], list[str]] = run_in_database(settings, work)
    return result


async def test_a_young_person_answers_offline_and_it_arrives_once(browser: Any, settings: Settings) -> None:
    _open_travel_survey(settings)
    with live_server(settings) as base:
        context = await new_phone(browser, base)
        page = await context.new_page()
        await page.goto("/#/")
        await page.evaluate(
            f"() => {{ localStorage.setItem('wayhome.age', '14'); localStorage.setItem('wayhome.lastArea', '{AREA}'); }}"
        )
        await wait_for_service_worker(page)
        await page.click("a[href='#/survey']")
        await page.wait_for_selector(".survey-card")
        card = page.locator(".survey-card")
        assert await card.count() == 1
        assert "Your way home from school" in await card.inner_text()
        await page.click(".survey-card a.button")
        await page.wait_for_selector("form.survey-form")

        # Sending without the one required answer explains which question, in words.
        await page.click("form.survey-form button[type=submit]")
        assert "Please answer this question first: How safe do you feel on your way home from school?" in (
            await page.inner_text(".survey-result")
        )
        await page.check("#q-feel_safe input[value='2']")
        await page.check("#q-travel_with input[value='friends']")
        await page.check("#q-unsafe_because input[value='dark_streets']")
        await page.check("#q-unsafe_because input[value='groups']")
        await page.select_option("#survey-school", "101270")
        await page.click("#q-where_unsafe button.button")
        await page.wait_for_selector(".survey-map canvas")
        box = await page.locator(".survey-map").bounding_box()
        await page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        await page.wait_for_selector("text=Pin placed. Tap somewhere else to move it.")
        assert not await axe_violations(page)
        await screenshot(page, "survey-form")

        await context.set_offline(True)
        await page.click("form.survey-form button[type=submit]")
        await page.wait_for_selector("#survey-done")
        saved = await page.inner_text(".survey-body")
        assert "You are offline, so your answers are saved on this phone." in saved
        await screenshot(page, "survey-saved-offline")
        assert _stored(settings) == ([], [])

        await page.evaluate("() => { delete document.documentElement.dataset.surveyOutbox; }")
        await context.set_offline(False)  # the browser says it is online again: the app sends what is waiting
        await wait_until(page, "document.documentElement.dataset.surveyOutbox === '0'")
        answers, devices = _stored(settings)
        assert len(answers) == 1 and len(devices) == 1
        kept = answers[0]
        assert kept["feel_safe"] == 2 and kept["travel_with"] == "friends"
        assert kept["unsafe_because"] == ["dark_streets", "groups"]
        assert kept["_tier"] == "14-17" and kept["_school"] == "101270"
        easting, northing = (int(v) for v in kept["where_unsafe"].split(":"))
        assert easting % 100 == 0 and northing % 100 == 0  # the 100 m square only
        token = await page.evaluate("() => localStorage.getItem('wayhome.surveyDevice')")
        assert len(token) == 43 and token not in devices

        # Sending the same phone's answers again (a second sync, say) does not count twice.
        await page.goto("/#/survey")
        await page.wait_for_selector(".survey-card")
        assert "You have answered this survey. Thank you." in await page.inner_text(".survey-card")
        await screenshot(page, "survey-list-answered")
        again = await page.evaluate(
            """async (token) => (await fetch('/api/v1/surveys/travel-home/responses', {method: 'POST',
                headers: {'Content-Type': 'application/json'}, body: JSON.stringify({answers: {feel_safe: 5},
                device: token, area: 'north-london-demo'})})).status""",
            token,
        )
        assert again == 200
        assert len(_stored(settings)[0]) == 1
        await context.close()


def _closed_period_with_answers(settings: Settings) -> None:
    """A period that ended last month with 60 answers from three schools (a test fixture, made up)."""
    import random

    from backend.api.surveys import london_today
    from backend.surveys.models import SurveyResponse, SurveyWindow

    async def work() -> None:
        today = london_today()
        window = await SurveyWindow.create(
            survey="local-attitudes",
            opens_on=today - dt.timedelta(days=70),
            closes_on=today - dt.timedelta(days=40),
        )
        rng = random.Random(3)
        month = (today - dt.timedelta(days=50)).strftime("%Y-%m")
        for i in range(60):
            await SurveyResponse.create(
                survey="local-attitudes", survey_version=1, window_id=window.id, month=month, area=AREA,
                tier="14-17" if i % 3 else "10-13", school_urn=("101264", "101270", "101285")[i % 3] if i < 54 else None,
                answers={"safe_day": rng.choice([2, 3, 4, 4, 5]), "knife_problem": rng.choice(["big", "small", "small", "none"])},
            )  # fmt: skip

    run_in_database(settings, work)


async def test_an_editor_opens_a_survey_and_reads_suppressed_results(
    browser: Any, settings: Settings
) -> None:
    from tests.browser.conftest import create_staff_account
    from tests.support.staff import sign_in_page

    _closed_period_with_answers(settings)
    email, password = create_staff_account(settings, role="editor", areas=(AREA,), schools=())
    with live_server(settings) as base:
        context = await new_phone(browser, base)
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await sign_in_page(page, email, password)
        await page.goto("/#/staff/surveys")
        await page.wait_for_selector(".survey-results table")
        await page.select_option("#survey-by", "school")
        await page.click("text=Show results")
        await page.wait_for_selector(".survey-results table >> text=Coppetts Wood Primary School")
        text = await page.inner_text(".survey-results")
        assert "Hidden" in text and "School not given" in text  # 6 answers gave no school: hidden
        assert "Numbers under 10 are hidden" in text
        head = await page.locator(".survey-results table").first.locator("thead th").all_inner_texts()
        assert head[0] == "Answer" and head[-1] == "Total"
        assert not await axe_violations(page)
        await screenshot(page, "staff-survey-results")
        async with page.expect_download() as info:
            await page.click("#survey-csv")
        download = await info.value
        assert download.suggested_filename.endswith("-by-school.csv")
        exported = (await download.path()).read_text(encoding="utf-8")
        assert exported.startswith("Question,Answer,") and "hidden" in exported

        # Open the travel survey for the coming weeks, with the calendar fields.
        card = page.locator("article.card", has=page.locator("h3", has_text="Your way home from school"))
        await card.locator("summary", has_text="Open this survey for a period").click()
        await card.locator("input[type=date]").first.fill(dt.date.today().isoformat())
        await card.locator("form.survey-open button[type=submit]").click()
        assert "The closing date" not in await card.inner_text()
        await page.wait_for_selector("text=Choose the opening and the closing date.")
        await (
            card.locator("input[type=date]")
            .nth(1)
            .fill((dt.date.today() + dt.timedelta(days=21)).isoformat())
        )
        await card.locator("form.survey-open button[type=submit]").click()
        await page.wait_for_selector("text=is now planned")
        card = page.locator("article.card", has=page.locator("h3", has_text="Your way home from school"))
        assert "Open" in await card.locator("table").inner_text()
        await screenshot(page, "staff-surveys")
        assert not errors, errors
        await context.close()


async def test_an_officer_sees_where_young_people_feel_unsafe_and_adds_it_to_routes(
    browser: Any, settings: Settings
) -> None:
    from backend.surveys.service import grid_cell
    from tests.browser.conftest import create_staff_account
    from tests.support.staff import sign_in_page

    square = grid_cell(51.6023, -0.1411)  # a street corner in the demo area (a test fixture: made-up answers)

    async def work() -> None:
        from backend.api.surveys import london_today
        from backend.surveys.models import SurveyResponse, SurveyWindow

        today = london_today()
        window = await SurveyWindow.create(
            survey="travel-home", opens_on=today - dt.timedelta(days=40), closes_on=today
        )
        for _ in range(11):
            await SurveyResponse.create(
                survey="travel-home", survey_version=1, window_id=window.id, month=today.strftime("%Y-%m"),
                area=AREA, answers={"feel_safe": 2, "where_unsafe": square},
            )  # fmt: skip

    run_in_database(settings, work)
    email, password = create_staff_account(settings, role="officer", areas=(AREA,), schools=())
    with live_server(settings) as base:
        context = await new_phone(browser, base)
        page = await context.new_page()
        await sign_in_page(page, email, password)
        await page.goto("/#/staff/surveys")
        await page.wait_for_selector(".perceived .survey-map canvas, .perceived .survey-map path")
        text = await page.inner_text(".perceived")
        assert "One square, from answers sent in" in text
        assert "This is not part of the safer routes in this area." in text
        assert "sample school routes through these squares" in text
        assert not await axe_violations(page)
        await page.locator(".perceived").scroll_into_view_if_needed()
        await screenshot(page, "staff-perceived-layer")
        await page.click("#perceived-toggle")
        await page.wait_for_selector("text=Added. New routes now take it into account.")
        assert "This is part of the safer routes in this area now." in await page.inner_text(".perceived")
        await context.close()


async def test_two_editors_change_a_surveys_questions_without_typing_json(
    browser: Any, settings: Settings
) -> None:
    from tests.browser.conftest import create_staff_account
    from tests.support.staff import sign_in_page

    author = create_staff_account(settings, role="editor", areas=(AREA,), schools=())
    reviewer = create_staff_account(settings, role="editor", areas=(AREA,), schools=())
    with live_server(settings) as base:
        context = await new_phone(browser, base)
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await sign_in_page(page, *author)
        await page.goto("/#/staff/surveys")
        card = page.locator(
            "article.card", has=page.locator("h3", has_text="How you feel about where you live")
        )
        await card.locator("summary", has_text="Change the questions").click()
        await card.locator("form.survey-editor").wait_for()
        third = card.locator("fieldset.survey-edit-q").nth(2)
        assert (await third.locator("legend").inner_text()) == "Question 3"
        # a question with one choice is refused beside the question, in words
        for _ in range(3):
            await third.locator("li button").last.click()
        await card.locator("form.survey-editor button[type=submit]").click()
        await third.locator(".field-error:visible").wait_for()
        assert (
            await third.locator(".field-error").inner_text() == "Question 3: give between 2 and 12 choices."
        )
        await third.locator("button", has_text="Add a choice").click()
        await third.locator("li input").last.fill("Quite a big problem")
        first = card.locator("fieldset.survey-edit-q").first
        await first.locator("input[type=text]").first.fill(
            "How safe do you feel in your area in the daytime?"
        )
        await card.locator("form.survey-editor button[type=submit]").click()
        await page.wait_for_selector("text=Saved as a draft. Another editor needs to check and publish it.")
        assert (
            await card.locator("#survey-publish").count() == 0
        )  # the author cannot publish their own change
        assert not await axe_violations(page)
        await screenshot(page, "staff-survey-editor")
        await context.close()

        context = await new_phone(browser, base)
        page = await context.new_page()
        await sign_in_page(page, *reviewer)
        await page.goto("/#/staff/surveys")
        card = page.locator(
            "article.card", has=page.locator("h3", has_text="How you feel about where you live")
        )
        await card.locator("summary", has_text="Change the questions").click()
        await card.locator("#survey-publish").click()
        await page.wait_for_selector("text=Published. It applies from the survey's next period.")
        await context.close()
        assert not errors, errors
        from tests.browser.conftest import get_json

        survey = await get_json(f"{base}/api/v1/surveys/local-attitudes")
        assert survey["version"] == 2
        assert survey["questions"][0]["text"] == "How safe do you feel in your area in the daytime?"
        labels = [o["label"] for o in survey["questions"][2]["options"]]
        assert labels == ["A big problem", "Quite a big problem"]
