"""Contest score sheets as they are kept at the contest: one row per entry, one column per judge (or
per judge and criterion, often under a merged judge cell), and optionally 最高分 / 最低分 / 最后得分.
Those three are recomputed from the judges' scores and checked, never trusted."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from analytics.core import connection as db
from analytics.ingest import values as V
from analytics.ingest.headers import column_letter
from analytics.ingest.specs import TABLES
from analytics.ingest.text import key
from analytics.ingest.validate import Error, Pipeline, Prepared
from words import Message, listing, msg

CHECKS = {
    "max": ("最高分", "最高", "最高得分"),
    "min": ("最低分", "最低", "最低得分"),
    "final": (
        "最后得分",
        "最终得分",
        "最后得分(去掉一个最高分和一个最低分)",
        "最终成绩",
        "最后成绩",
        "实得分",
        "最终分",
        "平均分",
        "综合得分",
        "得分",
        "总得分",
    ),
}
_CHECK_KEYS = {key(s): kind for kind, spellings in CHECKS.items() for s in spellings}
_SEPARATORS = re.compile(r"[-_/|·:：\s]+")
_JUDGE_LIKE = re.compile(r"(评委|judge|^j\d+$)", re.IGNORECASE)


@dataclass
class ScoreColumn:
    position: int
    label: str
    judge: str | None = None
    criterion: str | None = None
    check: str | None = None


def check_kind(upper: str, lower: str) -> str | None:
    for text in (lower, upper):
        kind = _CHECK_KEYS.get(key(text)) if text else None
        if kind:
            return kind
        # 最后得分（去掉一个最高分、一个最低分）
        bare = re.sub(r"[(（].*?[)）]", "", text or "")
        kind = _CHECK_KEYS.get(key(bare)) if bare else None
        if kind:
            return kind
    return None


class WideScores:
    """Recognises and reads a wide score sheet for one round."""

    def __init__(self, pipeline: Pipeline):
        self.pipe = pipeline
        self.judge_find = pipeline.refs.lookup("judge")
        names, _ = pipeline.refs.maps("judge")
        self.judge_keys = sorted(names, key=len, reverse=True)
        crit = db.query(
            pipeline.cur,
            "SELECT round_id, criterion_id, name, weight, max_score FROM contest_criteria",
            in_transaction=True,
        )
        self.criteria = crit
        self.any_criterion = {key(v) for v in crit["name"]} | {key(v) for v in crit["criterion_id"]}

    # recognising columns ------------------------------------------------------------------------
    def _judge(self, text: str) -> str | None:
        ident, problem = self.judge_find(text)
        return None if problem else ident

    def _split(self, text: str) -> tuple[str | None, str | None]:
        """'评委1-思想美', '评委1 思想美', '思想美(评委1)', '评委1思想美' -> (judge, criterion text)."""
        whole = self._judge(text)
        if whole:
            return whole, None
        inside = re.match(r"^(.*?)[(（](.*?)[)）]$", text.strip())
        if inside:
            a, b = inside.groups()
            if self._judge(b):
                return self._judge(b), a
            if self._judge(a):
                return self._judge(a), b
        parts = [p for p in _SEPARATORS.split(text.strip()) if p]
        if len(parts) == 2:
            for judge_text, crit_text in (parts, parts[::-1]):
                if self._judge(judge_text):
                    return self._judge(judge_text), crit_text
        squeezed = key(text)
        for k in self.judge_keys:
            if squeezed.startswith(k) and len(squeezed) > len(k):
                ident = next(iter(self.pipe.refs.maps("judge")[0][k]))
                return ident, text.strip()[len(k) :] if text.strip().casefold().startswith(k) else squeezed[len(k) :]
        return None, None

    def recognise(self, upper: str, lower: str) -> bool:
        """For the header search: is this a judge, judge×criterion or check column?"""
        if check_kind(upper, lower):
            return True
        if upper and lower and self._judge(upper):
            return True
        judge, _ = self._split(lower or upper)
        return judge is not None

    def columns(self, result: Prepared, round_id: str) -> tuple[list[ScoreColumn], list[Error]]:
        layout = result.checked_layout()
        crit = self.criteria[self.criteria["round_id"] == round_id]
        crit_find = {key(n): c for n, c in zip(crit["name"], crit["criterion_id"])}
        crit_find.update({key(c): c for c in crit["criterion_id"]})
        errors: list[Error] = []
        cols: list[ScoreColumn] = []
        for position, label in layout.labels.items():
            target = layout.mapping.get(position)
            upper, lower = layout.parts.get(position, ("", label))
            kind = check_kind(upper, lower)
            if target in ("entry_id", "round_id"):
                continue
            if kind:
                cols.append(ScoreColumn(position, label, check=kind))
                continue
            judge, crit_text = (
                (self._judge(upper), lower) if upper and lower and self._judge(upper) else self._split(label)
            )
            if judge is None:
                if _JUDGE_LIKE.search(label):
                    errors.append(
                        (
                            layout.header_row_number,
                            label,
                            label,
                            msg("ingest.check.unknown_judge", header=label, letter=column_letter(position)),
                        )
                    )
                continue
            if crit_text:
                criterion = crit_find.get(key(crit_text))
                if criterion is None:
                    errors.append(
                        (
                            layout.header_row_number,
                            label,
                            crit_text,
                            msg(
                                "ingest.check.unknown_criterion",
                                text=crit_text,
                                round=round_id,
                                names=listing(crit["name"]),
                            ),
                        )
                    )
                    continue
            elif len(crit) == 1:
                criterion = crit["criterion_id"].iloc[0]
            else:
                errors.append(
                    (
                        layout.header_row_number,
                        label,
                        None,
                        msg(
                            "ingest.check.judge_only",
                            header=label,
                            round=round_id,
                            count=len(crit),
                            names=listing(crit["name"]),
                        ),
                    )
                )
                continue
            cols.append(ScoreColumn(position, label, judge=judge, criterion=criterion))
        return cols, errors

    # reading -------------------------------------------------------------------------------------
    def read(self, columns: list[pa.Array], rows: np.ndarray, result: Prepared, round_id: str) -> pa.Table | None:
        """Melt the sheet into long rows and check 最高分 / 最低分 / 最后得分."""
        layout = result.checked_layout()
        pipe, spec = self.pipe, TABLES["contest_scores"]
        score_cols, errors = self.columns(result, round_id)
        result.errors.extend(errors)
        judges = [c for c in score_cols if c.judge]
        if not judges:
            if errors:
                return None
            result.errors.append(
                (
                    layout.header_row_number,
                    None,
                    None,
                    msg("ingest.check.no_judges"),
                )
            )
            return None
        seen: dict[tuple[str | None, str | None], str] = {}
        for c in judges:
            pair = (c.judge, c.criterion)
            if pair in seen:
                result.errors.append(
                    (
                        layout.header_row_number,
                        c.label,
                        None,
                        msg("ingest.check.same_judge_criterion", header=seen[pair]),
                    )
                )
            seen[pair] = c.label
        entry_pos = next((p for p, t in layout.mapping.items() if t == "entry_id"), None)
        if entry_pos is None:
            result.errors.append((layout.header_row_number, "参赛居民区", None, msg("ingest.check.no_entry_column")))
            return None
        entry_raw = V.as_strings(columns[entry_pos])
        scoped = pa.array([f"{round_id}\x1f{v}" for v in entry_raw.to_pylist()], type=pa.string())
        entries = V.parse_mapped(scoped, pipe.refs.lookup("entry", scoped=True))
        entry_label = layout.labels[entry_pos]
        for i, message in zip(entries.bad_index, entries.bad_message):
            result.errors.append((int(rows[i]), entry_label, entry_raw[int(i)].as_py(), message))
        for i in np.flatnonzero(entries.empty):
            result.errors.append((int(rows[i]), entry_label, "", msg("ingest.check.entry_required")))
        crit = self.criteria[self.criteria["round_id"] == round_id].set_index("criterion_id")
        scores: dict[int, np.ndarray] = {}
        for c in judges:
            top = float(crit.loc[c.criterion, "max_score"])
            parsed = V.parse_number(V.as_strings(columns[c.position]), minimum=0, maximum=top, units=("分",))
            for i, message in zip(parsed.bad_index, parsed.bad_message):
                result.errors.append(
                    (int(rows[i]), c.label, V.as_strings(columns[c.position])[int(i)].as_py(), message)
                )
            scores[c.position] = parsed.values.to_numpy(zero_copy_only=False).astype(float)
        long: dict[str, list[object]] = {
            "round_id": [],
            "entry_id": [],
            "judge_id": [],
            "criterion_id": [],
            "score": [],
            "_row": [],
        }
        entry_ids = entries.values.to_pylist()
        for c in judges:
            values = scores[c.position]
            for i in np.flatnonzero(~np.isnan(values)):
                if entry_ids[i] is None:
                    continue
                long["round_id"].append(round_id)
                long["entry_id"].append(entry_ids[i])
                long["judge_id"].append(c.judge)
                long["criterion_id"].append(c.criterion)
                long["score"].append(float(values[i]))
                long["_row"].append(int(rows[i]))
        self.check_totals([c for c in score_cols if c.check], judges, scores, columns, rows, result, crit)
        missing = int(sum(np.isnan(scores[c.position]).sum() for c in judges))
        if missing:
            result.notes.append(msg("ingest.note.empty_scores", count=missing))
        result.notes.append(msg("ingest.note.wide_sheet", columns=len(judges), round=round_id))
        order = sorted(
            range(len(long["_row"])), key=lambda k: (long["_row"][k], long["judge_id"][k], long["criterion_id"][k])
        )
        table = pa.table(
            {
                name: pa.array(
                    [values[k] for k in order],
                    type=pa.float64() if name == "score" else pa.int64() if name == "_row" else pa.string(),
                )
                for name, values in long.items()
            }
        )
        del spec
        return table

    def check_totals(
        self,
        checks: list[ScoreColumn],
        judges: list[ScoreColumn],
        scores: dict[int, np.ndarray],
        columns: list[pa.Array],
        rows: np.ndarray,
        result: Prepared,
        crit: pd.DataFrame,
    ) -> None:
        if not checks:
            return
        by_judge: dict[str | None, list[ScoreColumn]] = {}
        for c in judges:
            by_judge.setdefault(c.judge, []).append(c)
        multi = any(len(cs) > 1 for cs in by_judge.values())
        for c in checks:
            kind = c.check
            if kind is None:  # the caller passes the check columns only
                continue
            raw = V.as_strings(columns[c.position])
            parsed = V.parse_number(raw, units=("分",))
            for i, message in zip(parsed.bad_index, parsed.bad_message):
                result.errors.append((int(rows[i]), c.label, raw[int(i)].as_py(), message))
            given = parsed.values.to_numpy(zero_copy_only=False).astype(float)
            for i in np.flatnonzero(~np.isnan(given)):
                # A judge's total: the weighted sum Σ weight × score, or the plain sum of the criteria.
                totals_w, totals_s = [], []
                for cs in by_judge.values():
                    vals = [(scores[x.position][i], float(crit.loc[x.criterion, "weight"])) for x in cs]
                    if any(np.isnan(v) for v, _ in vals):
                        continue
                    totals_s.append(sum(v for v, _ in vals))
                    totals_w.append(sum(v * w for v, w in vals) if multi else totals_s[-1])
                if not totals_s:
                    continue
                text = raw[int(i)].as_py().strip()
                tolerance = _tolerance(text)
                value = given[i]
                options = _expected(kind, totals_w) + (_expected(kind, totals_s) if multi else [])
                if any(abs(value - o) <= tolerance for o in options):
                    continue
                result.errors.append((int(rows[i]), c.label, text, _mismatch(kind, value, totals_w, multi)))


def _expected(kind: str, totals: list[float]) -> list[float]:
    if kind == "max":
        return [max(totals)]
    if kind == "min":
        return [min(totals)]
    options = [float(np.mean(totals))]
    if len(totals) >= 3:
        trimmed = sorted(totals)[1:-1]
        options.append(float(np.mean(trimmed)))
    return options


def _tolerance(text: str) -> float:
    text = text.strip()
    decimals = len(text.split(".", 1)[1]) if "." in text else 0
    return 0.5 * 10 ** (-decimals) + 1e-9


def _mismatch(kind: str, value: float, totals: list[float], weighted: bool) -> Message:
    basis = msg("ingest.check.weighted_basis") if weighted else ""
    if kind == "max":
        return msg("ingest.check.max_differs", value=value, found=max(totals), basis=basis)
    if kind == "min":
        return msg("ingest.check.min_differs", value=value, found=min(totals), basis=basis)
    mean = float(np.mean(totals))
    trimmed = msg("ingest.check.trimmed_mean", mean=float(np.mean(sorted(totals)[1:-1]))) if len(totals) >= 3 else ""
    return msg("ingest.check.final_differs", value=value, mean=mean, trimmed=trimmed, basis=basis)


def find_round(
    pipe: Pipeline, result: Prepared, columns: list[pa.Array], rows: np.ndarray
) -> tuple[str | None, str | None]:
    """The sheet's round: the page's choice, a 场次 column with one value, or a round named in the title."""
    if pipe.round_id:
        ident, problem = pipe.refs.lookup("round")(pipe.round_id)
        return ident, problem
    position = next((p for p, t in result.checked_layout().mapping.items() if t == "round_id"), None)
    if position is not None:
        values = {v.strip() for v in V.as_strings(columns[position]).to_pylist() if v.strip()}
        found = {pipe.refs.lookup("round")(v)[0] for v in values}
        if len(found) == 1 and None not in found:
            return found.pop(), None
        return None, msg("ingest.check.one_round")
    rounds = db.query(pipe.cur, "SELECT round_id, name FROM contest_rounds", in_transaction=True)
    title = key(" ".join(result.checked_layout().title))
    hits = [r for r, n in zip(rounds["round_id"], rounds["name"]) if title and (key(n) in title or key(r) in title)]
    if len(hits) == 1:
        result.notes.append(msg("ingest.note.round_from_title", round=hits[0]))
        return hits[0], None
    return None, msg("ingest.check.which_round")
