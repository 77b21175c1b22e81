"""Today's drill cards: every drill's plan, sets done and the rules' next step at a glance
(the selected drill's reason stays in the main pane), in the narrow side panel at 100x30."""

from __future__ import annotations

from itertools import product
from pathlib import Path

import pytest
from textual.clock import MockClock
from textual.widgets import Static

from backtrack.catalog import Catalog
from backtrack.clock import FixedClock
from backtrack.models import Plan, Suggestion
from backtrack.store.glance import DrillGlance, PlanFacts, drill_facts
from backtrack.tui.app import create_app
from backtrack.tui.screens.today import TodayScreen
from backtrack.tui.service import DrillToday
from backtrack.tui.widgets.drill_list import (
    CARD_WIDTH,
    MARKERS,
    DrillCard,
    card_text,
    next_marker,
    plan_line,
    preview_text,
)
from backtrack.tui.widgets.rest_timer import RestDisplay

from .conftest import seed_flare_today, settle

CURL = "jefferson-curl"


def glance_drill(catalog: Catalog, exercise_id: str, plan: Plan, done: int = 0) -> DrillGlance:
    facts = drill_facts(catalog)[exercise_id]
    stored = PlanFacts(
        exercise_id, plan.sets, plan.reps_min, plan.reps_max, plan.load_kg, plan.rom_level
    )
    return DrillGlance(facts, stored, done)


def today_drill(
    catalog: Catalog, exercise_id: str, plan: Plan, suggestion: Suggestion | None = None
) -> DrillToday:
    return DrillToday(catalog.get(exercise_id), plan, (), suggestion)


def lines(drill: DrillToday | DrillGlance, unit: str = "kg") -> list[str]:
    return card_text(1, drill, unit).plain.split("\n")


def test_a_card_shows_the_plan_sets_done_and_whats_next(catalog: Catalog) -> None:
    plan = Plan(exercise_id=CURL, sets=3, reps_min=6, reps_max=8, load_kg=12.5, rom_level=4)
    regress = Suggestion(
        exercise_id=CURL, action="regress", plan=plan.model_copy(update={"load_kg": 10}), reason=""
    )
    assert lines(today_drill(catalog, CURL, plan, regress)) == [
        "1 Jefferson curl",
        "  3×6-8 · 12.5 kg · ROM 4",
        "  ○○○  0 of 3 sets",
        "  next ↓ step back",
    ]
    assert lines(today_drill(catalog, CURL, plan), "lb")[1] == "  3×6-8  27.56 lb  ROM 4"
    fixed = plan.model_copy(update={"reps_min": 8})
    assert lines(today_drill(catalog, CURL, fixed))[1] == "  3×8 · 12.5 kg · ROM 4"


@pytest.mark.parametrize("action", list(MARKERS))
def test_every_suggestion_has_its_marker(catalog: Catalog, action: str) -> None:
    plan = Plan(exercise_id=CURL, sets=3, reps_min=6, reps_max=8, load_kg=0, rom_level=1)
    suggestion = Suggestion(exercise_id=CURL, action=action, plan=plan, reason="because")
    marker, _ = next_marker(today_drill(catalog, CURL, plan, suggestion))
    assert marker == MARKERS[action][0]
    assert lines(today_drill(catalog, CURL, plan, suggestion))[3] == f"  next {marker}"


def test_no_suggestion_and_not_read_yet_are_told_apart(catalog: Catalog) -> None:
    plan = Plan(exercise_id=CURL, sets=3, reps_min=6, reps_max=8, load_kg=0, rom_level=1)
    assert lines(today_drill(catalog, CURL, plan))[3] == "  next —"  # the rules gave none
    assert lines(glance_drill(catalog, CURL, plan))[3] == "  next …"  # the first look


def test_the_first_look_draws_the_same_plan_line_as_the_open_store(catalog: Catalog) -> None:
    plan = Plan(exercise_id=CURL, sets=4, reps_min=6, reps_max=8, load_kg=7.5, rom_level=3)
    for unit in ("kg", "lb"):
        first = lines(glance_drill(catalog, CURL, plan), unit)
        loaded = lines(today_drill(catalog, CURL, plan), unit)
        assert first[:3] == loaded[:3]


def test_every_line_fits_the_card_whatever_the_plan(catalog: Catalog) -> None:
    """Names, plans up to each drill's caps in kg and lb, extra sets and every marker: no
    line wider than the card (today.tcss cuts, never wraps, but nothing should need it)."""
    for exercise in catalog:
        for sets, reps, load, rom, unit, extra in product(
            range(1, exercise.max_sets + 1),
            ((6, 8), (8, 8), (10, 12)),
            (0, 2.5, 12.5, exercise.max_load_kg),
            range(1, exercise.max_rom_level + 1),
            ("kg", "lb"),
            (0, 1),
        ):
            plan = Plan(
                exercise_id=exercise.id,
                sets=sets,
                reps_min=reps[0],
                reps_max=reps[1],
                load_kg=load,
                rom_level=rom,
            )
            glance = glance_drill(catalog, exercise.id, plan, done=sets + extra)
            for text in (*lines(glance, unit), plan_line(glance, unit)):
                assert len(text) <= CARD_WIDTH, text
    for marker, _ in MARKERS.values():
        assert len(f"  next {marker}") <= CARD_WIDTH


def test_a_two_sided_drills_card_counts_each_side(catalog: Catalog) -> None:
    """The plan's sets are per side: 'L ●●○ R ●○○  3 of 6', ✓ once both sides have them;
    a long plan falls back to counts, and no line is ever wider than the card."""
    bend = "half-kneeling-side-bend"
    plan = Plan(exercise_id=bend, sets=3, reps_min=6, reps_max=8, load_kg=16, rom_level=4)
    facts = drill_facts(catalog)[bend]
    stored = PlanFacts(bend, 3, 6, 8, 16, 4)
    assert lines(DrillGlance(facts, stored, 3, 2, 1))[2] == "  L ●●○ R ●○○  3 of 6"
    assert lines(DrillGlance(facts, stored, 6, 3, 3))[2] == "  L ●●● R ●●●  ✓ 6 of 6"
    assert lines(DrillGlance(facts, stored, 5, 4, 1))[2] == "  L ●●●+1 R ●○○  5 of 6"
    assert lines(today_drill(catalog, bend, plan))[2] == "  L ○○○ R ○○○  0 of 6"
    exercise = catalog.get(bend)
    for sets in range(1, exercise.max_sets + 1):
        stored = PlanFacts(bend, sets, 6, 8, 16, 4)
        for left, right in product(range(sets + 2), repeat=2):
            line = lines(DrillGlance(facts, stored, left + right, left, right))[2]
            assert len(line) <= CARD_WIDTH, line
            assert ("✓" in line) == (left >= sets and right >= sets), line


# -- on the screen --------------------------------------------------------------------


@pytest.fixture(autouse=True)
def utc_machine(local_zone) -> None:
    local_zone("UTC")


def flare_app(demo_db: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock):
    """The app on the demo athlete after this morning's flare (see `seed_flare_today`)."""
    seed_flare_today(demo_db, catalog, clock)
    return create_app(demo_db, "demo", clock=clock, timer_clock=timer_clock, catalog=catalog)


def drawn(card: DrillCard) -> list[str]:
    """The card's lines as drawn on the terminal (inside its padding)."""
    return [card.render_line(y).text.rstrip() for y in range(card.size.height)]


async def test_every_card_reads_whole_at_100x30_and_the_timer_still_fits(
    demo_db: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock
) -> None:
    app = flare_app(demo_db, catalog, clock, timer_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TodayScreen) and screen.view is not None
        cards = list(screen.query(DrillCard))
        assert len(cards) == len(screen.view.drills) == 4
        for number, (card, drill) in enumerate(zip(cards, screen.view.drills, strict=True), 1):
            plan = drill.plan
            assert drill.suggestion is not None
            assert drawn(card) == [
                f"{number} {drill.exercise.name}",
                f"  {plan.sets}×{plan.reps_min}-{plan.reps_max} · "
                f"{plan.load_kg:g} kg · ROM {plan.rom_level}",
                card_text(number, drill, "kg").plain.split("\n")[2],
                f"  next {MARKERS[drill.suggestion.action][0]}",
            ]
        assert drawn(cards[0])[1:] == [
            "  3×6-8 · 12.5 kg · ROM 4",
            "  ●●●  ✓ 3 of 3 sets",
            "  next ↓ step back",
        ]
        # the selected drill keeps its whole plan and the reason in the main pane
        title = str(screen.query_one("#drill-title", Static).render())
        assert "ROM 4 standing on a low box, past the toes" in title
        assert "Set 3 hurt at 6/10" in str(screen.query_one("SuggestionBanner").render())
        # the rest timer below the cards is not pushed off the panel
        side, rest = screen.query_one("#side").region, screen.query_one(RestDisplay).region
        assert rest.height >= 6 and rest.bottom <= side.bottom


async def test_the_cards_follow_a_decision(
    demo_db: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock
) -> None:
    app = flare_app(demo_db, catalog, clock, timer_clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")  # accept the step back: 12.5 kg -> 10 kg
        await settle(pilot)
        card = app.screen.query(DrillCard).first()
        after = app.screen.view.drills[0]
        assert after.plan.load_kg == 10
        assert drawn(card)[1] == "  3×6-8 · 10 kg · ROM 4"
        assert drawn(card)[3] == f"  next {next_marker(after)[0]}"


def test_the_first_frame_lays_the_cards_out_as_the_cards_do(catalog: Catalog) -> None:
    """The list's first frame (one widget) has each card's four lines and the blank line
    between cards (today.tcss: height 4, a margin under every card but the last)."""
    plan = Plan(exercise_id=CURL, sets=3, reps_min=6, reps_max=8, load_kg=0, rom_level=1)
    drills = [
        glance_drill(catalog, e.id, plan.model_copy(update={"exercise_id": e.id})) for e in catalog
    ]
    text = preview_text(drills, "kg").plain.split("\n")
    cards = [card_text(n, d, "kg").plain.split("\n") for n, d in enumerate(drills, 1)]
    assert text == [line for card in cards for line in [*card, ""]][:-1]


async def test_under_30_rows_the_cards_close_up_for_the_rest_timer(
    demo_db: Path, catalog: Catalog, clock: FixedClock, timer_clock: MockClock
) -> None:
    app = flare_app(demo_db, catalog, clock, timer_clock)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.has_class("-short")
        assert screen.query_one("DrillList").region.height == 4 * 4  # no gaps, no border
        digits = screen.query_one(RestDisplay).query_one("Digits").region
        assert digits.bottom <= screen.query_one("#side").region.bottom  # whole, in sight
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert screen.has_class("-tall")
        assert screen.query_one("DrillList").region.height == 4 * 4 + 3 + 2
