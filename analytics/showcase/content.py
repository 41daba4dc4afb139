"""The secretary's showcase (擂台展示): one community's numbers, charts, highlights and story, as the page
shows them and as slides (pptx), an A4 brief (pdf), a poster for WeChat (png) and one offline web page
(html).

Everything a showcase says comes from the public analysis functions the other pages use
(seeds.uptake / item_ranking / pairing_matrix, cases.resolution, grids.community_summary,
contest.rank_history, places.community_list), gathered once into a `Showcase`; the page and every file
format are drawn from that one object and from the same plotly figures (analytics.showcase.charts), so
slides and screen never disagree.

Period: `start`/`end` are inclusive dates; without them the showcase covers the 12 months that end on
the data's last day. Growth compares with the previous period of equal length (Filters.previous()).

Who may build what: a secretary only her own community (AccessDenied otherwise); every other role any
community. The community's own numbers are read with the caller's scope. The comparison with the
subdistrict — the subdistrict's in-grid and in-community rates and the community's rank among all
communities on a measure — has to look at every community, so it is computed with scope=None inside this
module and only aggregates leave it: subdistrict totals, and this community's own rank and the number of
communities ranked. No other community's row is ever returned. Contest results are public anyway.

The story is the secretary's own text, saved per community (table showcase_stories). It is user text:
every format writes it as plain text (escaped in HTML), never as markup.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import duckdb
import pandas as pd

import words
from analytics import cases, grids, places, seeds
from analytics.access import audit
from analytics.contest import scoring as contest
from analytics.core import connection as db
from analytics.core import privacy
from analytics.core.errors import AccessDenied, DataError
from analytics.core.filters import Filters
from analytics.core.hierarchy import unit_key
from analytics.core.scope import Scope
from analytics.showcase.text import number, pct, points, text
from words import msg

FORMATS = ("pptx", "pdf", "png", "html")
MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
    "png": "image/png",
    "html": "text/html",
}
COLOURS = seeds.COLOURS
MAX_STORY_CHARS = 800
STORY_EDITORS = ("secretary", "leader", "admin")
DEFAULT_MONTHS = 12
TOP_ITEMS = 5
TOP_PARTNERS = 2
# Measures on which the community is ranked among all communities (higher is better for each).
RANK_MEASURES = (
    "activities_per_1k",
    "participants_per_1k",
    "volunteer_hours_per_1k",
    "in_grid_rate",
    "in_community_rate",
    "satisfaction",
)
RATE_MEASURES = ("in_grid_rate", "in_community_rate")


@dataclass(frozen=True)
class Story:
    story: str = ""
    updated_at: dt.datetime | None = None
    updated_by: str | None = None


@dataclass(frozen=True)
class Showcase:
    """What a showcase says, gathered once (see the module docstring for where each part comes from).

    profile: the communities row (community_id, name, short_name, grid_id, grid_name, households,
        residents, party_members, built_year, sample_tier) as a dict.
    partners: pairings in force — partner_id, partner_name, kind, since, activities, participants, status.
    totals: seeds.uptake(by=()) of the community as a dict (metrics, *_prev, *_change).
    services: a row per seed colour (all four, zeros included) with the same columns.
    monthly: month, seed_colour, activities, participants.
    top_items: the items that reached most residents — seed_colour, item_id, item_name, activities,
        participants (at most TOP_ITEMS, only items held in the period).
    grid_work, grid_work_prev, subdistrict: cases.resolution(by=()) rows as dicts (the subdistrict's is a
        total over all communities of the community's town).
    ranks: metric, value, rank, of — this community's place among its town's communities on RANK_MEASURES.
    contest: contest.rank_history rows of this community, oldest round first.
    highlights: sentences computed from the above, most telling first.
    """

    community_id: str
    lang: str
    start: dt.date
    end: dt.date
    previous_start: dt.date
    previous_end: dt.date
    profile: dict
    partners: pd.DataFrame
    totals: dict
    services: pd.DataFrame
    monthly: pd.DataFrame
    top_items: pd.DataFrame
    grid_work: dict
    grid_work_prev: dict
    subdistrict: dict
    ranks: pd.DataFrame
    contest: pd.DataFrame
    highlights: tuple[str, ...]
    story: Story
    demo: bool
    made_on: dt.date = field(default_factory=dt.date.today)
    # what the community's town is, for "全{unit}" (a words key: unit.subdistrict, unit.town, …)
    unit: str = "unit.subdistrict"

    @property
    def name(self) -> str:
        return self.profile["name"]

    @property
    def short_name(self) -> str:
        return self.profile.get("short_name") or self.profile["name"]

    def t(self, key: str, **values: object) -> str:
        if "{unit}" in text(key, self.lang):  # "全{unit}": the community's town as what it is (街道, 镇, …)
            values = {"unit": words.text(self.unit, self.lang), **values}
        return text(key, self.lang, **values)


# --- access and period ---------------------------------------------------------------------------


def check_access(community_id: str, scope: Scope | None) -> None:
    """A secretary may read her own community's showcase only."""
    own = scope.restricted_community if scope is not None else None
    if own is not None and own != community_id:
        raise AccessDenied(msg("err.showcase.own_community"))


def default_period(
    con: duckdb.DuckDBPyConnection, *, months: int = DEFAULT_MONTHS, scope: Scope | None = None
) -> tuple[dt.date, dt.date]:
    """The `months` that end on the data's last day."""
    first, last = places.data_range(con)
    start = (pd.Timestamp(last) - pd.DateOffset(months=months)).date() + dt.timedelta(days=1)
    return max(first, start), last


def _period(
    con: duckdb.DuckDBPyConnection, start: dt.date | str | None, end: dt.date | str | None
) -> tuple[dt.date, dt.date]:
    if start is None or end is None:
        default_start, default_end = default_period(con)
        start, end = start or default_start, end or default_end
    first: dt.date = pd.Timestamp(start).date()
    last: dt.date = pd.Timestamp(end).date()
    if first > last:
        raise DataError(msg("err.showcase.period", start=first, end=last))
    return first, last


# --- the story -----------------------------------------------------------------------------------


def _has_story_table(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(db.scalar(con, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'showcase_stories'"))


def get_story(con: duckdb.DuckDBPyConnection, community_id: str, *, scope: Scope | None = None) -> Story:
    """The community's saved story (an empty Story when none is saved)."""
    check_access(community_id, scope)
    if not _has_story_table(con):
        return Story()
    row = db.query(
        con, "SELECT story, updated_at, updated_by FROM showcase_stories WHERE community_id = $c", {"c": community_id}
    )
    if row.empty:
        return Story()
    first = row.iloc[0]
    story = str(first["story"])
    if scope is not None and scope.role not in STORY_EDITORS and not privacy.sees_personal_data(scope):
        story = privacy.mask_text(story)  # a story may quote a resident; editors read it whole to edit it
    return Story(
        story,
        pd.Timestamp(first["updated_at"]).to_pydatetime(),
        None if pd.isna(first["updated_by"]) else str(first["updated_by"]),
    )


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_story(story: str) -> str:
    """Line breaks normalised, control characters removed, outer blanks trimmed."""
    story = (story or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", story).strip()


def cut_story(story: str) -> tuple[str, str]:
    """(what fits, what does not): the cleaned story cut at MAX_STORY_CHARS. The limit keeps the A4 brief
    on two pages; the editor keeps the rest on screen for her to shorten with, instead of dropping it."""
    story = clean_story(story)
    return story[:MAX_STORY_CHARS], story[MAX_STORY_CHARS:]


def set_story(
    con: duckdb.DuckDBPyConnection,
    community_id: str,
    story: str,
    *,
    updated_by: str | None = None,
    scope: Scope | None = None,
) -> Story:
    """Save the community's story (an empty text removes it) and record the edit in the audit log.

    Secretaries edit their own community's story; leaders and admins any; analysts read only."""
    check_access(community_id, scope)
    if scope is not None and scope.role not in STORY_EDITORS:
        raise AccessDenied(msg("err.showcase.analyst_story"))
    story = clean_story(story)
    if len(story) > MAX_STORY_CHARS:
        raise DataError(msg("err.showcase.story_long", limit=MAX_STORY_CHARS, chars=len(story)))
    exists = db.scalar(con, "SELECT count(*) FROM communities WHERE community_id = $c", {"c": community_id})
    if not exists:
        raise DataError(msg("err.showcase.story_community", community=community_id))
    if story:
        db.execute(
            con,
            """INSERT OR REPLACE INTO showcase_stories (community_id, story, updated_at, updated_by)
                           VALUES ($c, $s, current_timestamp::TIMESTAMP, $u)""",
            {"c": community_id, "s": story, "u": updated_by},
        )
    else:
        db.execute(con, "DELETE FROM showcase_stories WHERE community_id = $c", {"c": community_id})
    audit.record(
        con, updated_by or "?", "story_edit", f"{community_id}: {len(story)} 字", role=scope.role if scope else None
    )
    return get_story(con, community_id, scope=scope)


# --- gathering the content -----------------------------------------------------------------------


def _plain(value: object) -> object:
    """numpy scalars as Python numbers, missing values as None."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _first(frame: pd.DataFrame) -> dict:
    return {k: _plain(v) for k, v in frame.iloc[0].items()} if len(frame) else {}


def _services(con: duckdb.DuckDBPyConnection, filters: Filters, scope: Scope | None) -> pd.DataFrame:
    frame = seeds.uptake(con, filters, ("seed_colour",), scope=scope).set_index("seed_colour")
    frame = frame.reindex(list(COLOURS))
    counts = [c for c in frame.columns if not c.endswith("_change")]
    frame[counts] = frame[counts].fillna(0)
    return frame.rename_axis("seed_colour").reset_index()


def _ranks(con: duckdb.DuckDBPyConnection, in_town: Filters, community_id: str) -> pd.DataFrame:
    """This community's place among its town's communities (`in_town`: the period and the town) on each
    RANK_MEASURES measure (1 = best; ties share). Reads every community of the town (scope=None) and
    returns this community's rank and the count only."""
    every = grids.community_summary(con, in_town)
    every = every.assign(
        volunteer_hours_per_1k=1000.0 * every["volunteer_hours"] / every["residents"].where(every["residents"] > 0)
    )
    rows = []
    for measure in RANK_MEASURES:
        values = pd.to_numeric(every[measure], errors="coerce")
        ranked = values.rank(ascending=False, method="min")
        mine = every["community_id"] == community_id
        if not mine.any() or values[mine].isna().all():
            continue
        rows.append(
            {
                "metric": measure,
                "value": float(values[mine].iloc[0]),
                "rank": int(ranked[mine].iloc[0]),
                "of": int(values.notna().sum()),
            }
        )
    return pd.DataFrame(rows, columns=["metric", "value", "rank", "of"])


def _partner_stories(con: duckdb.DuckDBPyConnection, filters: Filters, scope: Scope | None) -> pd.DataFrame:
    """Per partner active in the community: activities, participants and the item it held most."""
    frame = seeds.uptake(con, filters, ("partner_id", "item_id"), scope=scope)
    frame = frame[frame["partner_id"].notna() & (frame["activities"] > 0)]
    if frame.empty:
        return pd.DataFrame(columns=["partner_id", "partner_name", "activities", "participants", "item_name"])
    top_item = frame.sort_values(
        ["partner_id", "activities", "participants", "item_id"], ascending=[True, False, False, True]
    ).drop_duplicates("partner_id")[["partner_id", "item_name"]]
    per_partner = frame.groupby(["partner_id", "partner_name"], as_index=False)[["activities", "participants"]].sum()
    return (
        per_partner.merge(top_item, on="partner_id")
        .sort_values(["activities", "participants", "partner_id"], ascending=[False, False, True])
        .reset_index(drop=True)
    )


def content(
    con: duckdb.DuckDBPyConnection,
    community_id: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    lang: str = "zh",
    scope: Scope | None = None,
) -> Showcase:
    """Everything the showcase of `community_id` says for the period (see Showcase)."""
    check_access(community_id, scope)
    start, end = _period(con, start, end)
    filters = Filters(start, end, community_ids=(community_id,))
    previous = filters.previous()
    if previous is None or previous.start is None or previous.end is None:
        # _period gave both ends, so the period always has one of equal length before it
        raise DataError(msg("err.showcase.period", start=start, end=end))

    communities = places.community_list(con, scope=scope)
    row = communities[communities["community_id"] == community_id]
    if row.empty:
        raise DataError(msg("err.showcase.unknown_community", community=community_id))
    profile = _first(row.drop(columns=["lon", "lat"]))
    # what the community is set beside: its own town's communities (one town in the default database; in
    # a district's, 江川's secretary is not ranked among all 14 towns' communities)
    town = places.community_town(con, community_id)
    in_town = Filters(start, end, town_codes=None if town is None else (town,))
    towns = places.town_list(con)
    town_name = towns.loc[towns["town_code"] == town, "name"]

    matrix = seeds.pairing_matrix(con, filters, scope=scope)
    partners = matrix[matrix["paired"]][
        ["partner_id", "partner_name", "kind", "since", "activities", "participants", "status"]
    ].reset_index(drop=True)
    totals = _first(seeds.uptake(con, filters, (), scope=scope))
    services = _services(con, filters, scope)
    monthly = seeds.uptake(con, filters, ("month", "seed_colour"), scope=scope)[
        ["month", "seed_colour", "activities", "participants"]
    ]
    items = seeds.item_ranking(con, filters, scope=scope)
    top_items = (
        items[items["activities"] > 0]
        .sort_values(["participants", "activities", "item_id"], ascending=[False, False, True])
        .head(TOP_ITEMS)[["seed_colour", "item_id", "item_name", "activities", "participants"]]
        .reset_index(drop=True)
    )
    grid_work = _first(cases.resolution(con, filters, (), scope=scope))
    grid_work_prev = _first(cases.resolution(con, previous, (), scope=scope))
    # aggregates over every community: totals only, never another community's row (module docstring)
    subdistrict = _first(cases.resolution(con, in_town, ()))
    ranks = _ranks(con, in_town, community_id)
    history = contest.rank_history(con)
    # only the rounds held by the end of the period: a 2019 showcase cannot boast of a 2024 contest
    held = pd.to_datetime(history["held_on"]).dt.date <= end
    history = history[(history["community_id"] == community_id) & held].reset_index(drop=True)
    story = get_story(con, community_id, scope=scope)
    partner_stories = _partner_stories(con, filters, scope)

    showcase = Showcase(
        community_id=community_id,
        lang=lang,
        start=start,
        end=end,
        previous_start=previous.start,
        previous_end=previous.end,
        profile=profile,
        partners=partners,
        totals=totals,
        services=services,
        monthly=monthly,
        top_items=top_items,
        grid_work=grid_work,
        grid_work_prev=grid_work_prev,
        subdistrict=subdistrict,
        ranks=ranks,
        contest=history,
        highlights=(),
        story=story,
        demo=db.is_demo(con),
        unit=unit_key(str(town_name.iloc[0]) if len(town_name) else None),
    )
    return _with_highlights(showcase, partner_stories)


# --- highlights ----------------------------------------------------------------------------------


def _with_highlights(s: Showcase, partner_stories: pd.DataFrame) -> Showcase:
    from dataclasses import replace

    lang, lines = s.lang, []
    # the largest growth of residents served among the colours (or in total)
    grown = (
        s.services[(s.services["participants_prev"] > 0) & (s.services["participants_change"] > 0)]
        if "participants_change" in s.services
        else s.services.iloc[0:0]
    )
    if len(grown):
        best = grown.sort_values("participants_change", ascending=False).iloc[0]
        lines.append(
            s.t(
                "highlight.growth",
                colour=text(f"colour.{best['seed_colour']}", lang),
                now=number(best["participants"], lang),
                before=number(best["participants_prev"], lang),
                change=pct(best["participants_change"]),
            )
        )
    elif (s.totals.get("participants_change") or 0) > 0:
        lines.append(
            s.t(
                "highlight.growth_total",
                now=number(s.totals["participants"], lang),
                change=pct(s.totals["participants_change"]),
            )
        )
    # the best-ranked measure among all communities, when it is in the upper half (and not a zero
    # that ties with others)
    ranked = s.ranks[s.ranks["value"] > 0]
    if len(ranked):
        best = ranked.assign(order=range(len(ranked))).sort_values(["rank", "order"]).iloc[0]
        if best["rank"] <= (best["of"] + 1) // 2:
            lines.append(
                s.t(
                    "highlight.rank",
                    measure=s.t(f"rank.{best['metric']}"),
                    value=measure_value(best["metric"], best["value"], lang),
                    n=int(best["of"]),
                    rank=int(best["rank"]),
                )
            )
    # settled in the grid above the subdistrict
    mine, all_ = s.grid_work.get("in_grid_rate"), s.subdistrict.get("in_grid_rate")
    if mine is not None and all_ is not None and mine > all_:
        lines.append(s.t("highlight.grid_above", value=pct(mine), points=points(mine - all_, lang)))
    # the latest contest round, when the place is in the upper half or better than the round before
    if len(s.contest):
        last = s.contest.iloc[-1]
        rank, before, entries = int(last["rank"]), last["previous_rank"], int(last["entries_in_round"])
        if pd.notna(before) and int(before) > rank:
            lines.append(s.t("highlight.contest_up", round=last["round_name"], rank=rank, up=int(before) - rank))
        elif rank <= (entries + 1) // 2:
            lines.append(s.t("highlight.contest", round=last["round_name"], rank=rank, entries=entries))
    # partner stories
    kinds = dict(zip(s.partners["partner_id"], s.partners["kind"]))
    for story in partner_stories.head(TOP_PARTNERS).itertuples(index=False):
        kind = kinds.get(story.partner_id)
        lines.append(
            s.t(
                "highlight.partner",
                partner=story.partner_name,
                kind=text(f"kind.{kind}", lang) if kind else "—",
                item=story.item_name,
                activities=number(story.activities, lang),
                participants=number(story.participants, lang),
            )
        )
    return replace(s, highlights=tuple(lines) or (s.t("highlight.none"),))


def measure_value(metric: str, value: object, lang: str = "zh") -> str:
    if metric in RATE_MEASURES:
        return pct(value)
    if metric == "satisfaction":
        return "—" if value is None or pd.isna(value) else f"{value:.2f}"
    return number(value, lang, digits=1)


# --- the files -----------------------------------------------------------------------------------


def file_name(s: Showcase, fmt: str) -> str:
    return f"{s.short_name}_{s.t('title')}_{s.start:%Y%m%d}-{s.end:%Y%m%d}.{fmt}".replace(" ", "_")
