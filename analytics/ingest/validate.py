"""From a sheet to rows ready to insert: header, skipped rows (blank, 合计, notes), every cell parsed
and checked, table rules, keys. Nothing is written here; every problem in the file is collected with
the row number the user sees in Excel, the column as the user named it, the value and what to do."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.core import connection as db
from analytics.ingest import values as V
from analytics.ingest.headers import Layout, column_letter, find_layout
from analytics.ingest.lookups import References, bool_lookup, vocabulary_lookup
from analytics.ingest.reading import Sheet
from analytics.ingest.specs import LABEL_KEYS, VOCABULARY_LABELS, Col, TableSpec
from words import Message, listing, msg

TOTAL_WORDS = {"合计", "总计", "小计", "共计", "累计", "合计:", "总计:", "total", "sum", "grandtotal", "subtotal"}
NOTE_PREFIXES = ("注", "备注", "说明", "制表", "填表", "审核", "填报", "负责人", "联系人", "数据来源", "统计时间")
MAX_INT = 2_000_000_000
# A cell longer than this is a paste gone wrong or an attack, not a ledger entry (the longest real
# descriptions are a few hundred characters); reported with its length, never quoted whole.
MAX_CELL_CHARS = 5_000

Error = tuple[int | None, str | None, str | None, str]
Progress = Callable[[float, str], None]  # (fraction done, what is being done)
Extra = Callable[[str, str], bool]  # (upper, lower) header cells -> a column the caller reads itself


@dataclass
class Prepared:
    spec: TableSpec
    sheet: str
    layout: Layout | None
    rows: pa.Table | None = None  # stored columns + "_row" (Excel row number)
    errors: list[Error] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # table column -> header as the user wrote it
    source_rows: int = 0  # data rows read (before skipping)
    skipped_in_file: int = 0  # repeated identical rows within the file

    def checked_layout(self) -> Layout:
        """The header found: only a sheet with one is read further (callers look at `layout` first)."""
        if self.layout is None:
            raise ValueError(f"{self.spec.table}: no header was found in sheet {self.sheet!r}")
        return self.layout

    def checked_rows(self) -> pa.Table:
        """The rows to write: only a sheet read through its checks has them (callers look at `errors`
        first)."""
        if self.rows is None:
            raise ValueError(f"{self.spec.table}: no rows were prepared from sheet {self.sheet!r}")
        return self.rows

    def label(self, column: str) -> str:
        return self.labels.get(column) or self.spec.col(column).label


def _rows_text(rows: np.ndarray, limit: int = 8) -> Message:
    """第 7、9 行 / 第 7、9、11…行（共 20 行）"""
    shown = listing(int(r) for r in rows[:limit])
    if len(rows) <= limit:
        return msg("ingest.rows", rows=shown)
    return msg("ingest.rows_more", rows=shown, count=len(rows))


_TOTAL_FIRST = pa.array(list("合总小共累tTsSgG"))


def classify_rows(columns: list[pa.Array], mapped: list[int]) -> dict[str, np.ndarray]:
    """Masks of rows to skip: blank, total (合计) and footnote rows; and which cells are filled."""
    n = len(columns[0]) if columns else 0
    filled = np.zeros((len(columns), n), dtype=bool)
    total = np.zeros(n, dtype=bool)
    for i, column in enumerate(columns):
        column = V.as_strings(column)
        trimmed = pc.utf8_trim_whitespace(column)
        length = pc.utf8_length(trimmed)
        filled[i] = ~V.blank_mask(column, trimmed=trimmed, length=length)
        if not filled[i].any():
            continue
        # A total row says 合计 / 总计 / Total in some cell: short text starting with one of these letters.
        first = pc.utf8_slice_codeunits(trimmed, 0, 1)
        candidates = np.flatnonzero(
            _mask(pc.is_in(first, value_set=_TOTAL_FIRST)) & _mask(pc.less_equal(length, 12)) & filled[i]
        )
        if len(candidates):
            subset = pc.utf8_lower(pc.replace_substring_regex(trimmed.take(pa.array(candidates)), "[\\s\u3000:：]", ""))
            hit = np.zeros(len(candidates), dtype=bool)
            for word in TOTAL_WORDS:
                hit |= _mask(pc.equal(subset, word))
            total[candidates[hit]] = True
    count = filled.sum(axis=0)
    mapped_filled = filled[mapped].any(axis=0) if mapped else np.zeros(n, dtype=bool)
    blank = ~mapped_filled & ~total
    note = np.zeros(n, dtype=bool)
    single = np.flatnonzero((count == 1) & ~total & mapped_filled)
    for index in single:
        row = int(index)
        which = int(np.argmax(filled[:, row]))
        text = V.as_strings(columns[which])[row].as_py().strip()
        if text.startswith(NOTE_PREFIXES):
            note[row] = True
    return {"blank": blank, "total": total, "note": note, "filled": filled}


class Pipeline:
    def __init__(
        self,
        cur: duckdb.DuckDBPyConnection,
        spec: TableSpec,
        *,
        round_id: str | None = None,
        town: str | None = None,
    ):
        self.cur = cur
        self.spec = spec
        self.round_id = round_id
        self.town = town  # the signed-in account's 街镇: rows of another town are refused
        self.refs = References(cur)
        self.bad_cells: dict[str, np.ndarray] = {}  # cells already reported: rules between columns skip them
        self.empty_at: dict[int, np.ndarray] = {}  # sheet column -> empty cells of the kept rows

    # ------------------------------------------------------------------------------------------
    def prepare(self, sheet: Sheet, *, extra: Extra | None = None) -> Prepared:
        spec = self.spec
        layout = find_layout(sheet.head, spec, sheet.merged, extra=extra)
        result = Prepared(spec, sheet.name, layout, notes=list(sheet.notes))
        if layout is None:
            names = listing(c.label for c in spec.columns if c.required)
            kind = msg(f"err.ingest.table.{spec.table}")
            result.errors.append(
                (None, None, None, msg("ingest.check.no_header", sheet=sheet.name, names=names, kind=kind))
            )
            return result
        if layout.title:
            title = " / ".join(layout.title)[:80]
            result.notes.append(msg("ingest.note.title_skipped", row=layout.header_row_number, title=title))
        elif layout.header_row_number > 1 or len(layout.header_rows) > 1:
            last = f"–{layout.header_row_number}" if len(layout.header_rows) > 1 else ""
            result.notes.append(msg("ingest.note.header_at", row=f"{layout.header_rows[0] + 1}{last}"))
        for column, positions in layout.duplicates.items():
            names = listing(
                msg("ingest.check.header_cell", header=layout.labels[p], letter=column_letter(p)) for p in positions
            )
            result.errors.append(
                (
                    layout.header_row_number,
                    layout.labels[positions[1]],
                    None,
                    msg("ingest.check.same_column", names=names, column=spec.col(column).label),
                )
            )
        result.labels = {col: layout.labels[pos] for pos, col in layout.mapping.items()}
        return result

    def read_body(
        self, sheet: Sheet, result: Prepared, progress: Progress | None = None
    ) -> tuple[list[pa.Array], np.ndarray]:
        layout = result.checked_layout()
        columns, rows = sheet.body(layout.data_start, layout.width)
        if len(columns) > layout.width:  # cells beyond the header's last column
            spill = V.as_strings(columns[layout.width])
            bad = np.flatnonzero(~V.blank_mask(spill))
            for i in bad:
                result.errors.append(
                    (
                        int(rows[i]),
                        None,
                        spill[int(i)].as_py()[:50],
                        msg("ingest.check.beyond_header"),
                    )
                )
            columns = columns[: layout.width]
        while len(columns) < layout.width:
            columns.append(pa.array([""] * len(rows), type=pa.string()))
        columns = [self._too_long(c, i, rows, result) for i, c in enumerate(columns)]
        result.source_rows = len(rows)
        return columns, rows

    def _too_long(self, column: pa.Array, position: int, rows: np.ndarray, result: Prepared) -> pa.Array:
        column = V.as_strings(column)
        lengths = pc.utf8_length(column)
        if not len(column) or (pc.max(lengths).as_py() or 0) <= MAX_CELL_CHARS:
            return column
        long_cells = pc.greater(lengths, MAX_CELL_CHARS)
        label = result.layout.labels.get(position) if result.layout else None
        for i in np.flatnonzero(long_cells.to_numpy(zero_copy_only=False))[:1000]:
            result.errors.append(
                (
                    int(rows[i]),
                    label,
                    column[int(i)].as_py()[:30] + "…",
                    msg("ingest.check.cell_too_long", chars=lengths[int(i)].as_py(), limit=MAX_CELL_CHARS),
                )
            )
        # Later checks then quote the first characters only, not the whole cell.
        return pc.if_else(long_cells, pc.utf8_slice_codeunits(column, 0, 30), column)

    def skip_rows(
        self, columns: list[pa.Array], rows: np.ndarray, result: Prepared, mapped: list[int]
    ) -> tuple[list[pa.Array], np.ndarray]:
        kinds = classify_rows(columns, mapped)
        total, note, blank = kinds["total"], kinds["note"], kinds["blank"]
        if total.any():
            result.notes.append(msg("ingest.note.total_rows", rows=_rows_text(rows[total])))
        if note.any():
            result.notes.append(msg("ingest.note.footnote_rows", rows=_rows_text(rows[note])))
        if blank.any():
            result.notes.append(msg("ingest.note.blank_rows", count=int(blank.sum())))
        keep = ~(total | note | blank)
        result.source_rows = int(keep.sum())
        # Which cells are empty is known now; the parsers reuse it instead of scanning every column again.
        self.empty_at = {i: ~kinds["filled"][i][keep] for i in range(len(columns))}
        if keep.all():
            return columns, rows
        index = pa.array(np.flatnonzero(keep))
        return [c.take(index) for c in columns], rows[keep]

    # ------------------------------------------------------------------------------------------
    def parse_columns(
        self, columns: list[pa.Array], rows: np.ndarray, result: Prepared, sources: dict[str, int]
    ) -> dict[str, pa.Array]:
        """Parse every column of the spec found in the sheet (others get their default)."""
        spec, n = self.spec, len(rows)
        parsed: dict[str, pa.Array] = {}
        header_row = result.layout.header_row_number if result.layout else None
        order = sorted(spec.columns, key=lambda c: 0 if c.name == "round_id" else 1)
        for col in order:
            position = sources.get(col.name)
            if position is None:
                if col.name == "round_id" and self.round_id:
                    ident, problem = self.refs.lookup("round")(self.round_id)
                    if problem:
                        result.errors.append((None, col.label, self.round_id, problem))
                    parsed[col.name] = pa.array([ident] * n, type=pa.string())
                    continue
                if col.required and not (col.name in spec.key and spec.generated_key):
                    result.errors.append(
                        (
                            header_row,
                            col.label,
                            None,
                            msg("ingest.check.missing_column", column=col.label, synonyms=listing(col.synonyms[:4])),
                        )
                    )
                parsed[col.name] = (
                    pa.nulls(n, type=_arrow_type(col))
                    if col.default is None
                    else pa.array([col.default] * n, type=_arrow_type(col))
                )
                continue
            raw = V.as_strings(columns[position])
            if col.name == "round_id" and self.round_id:
                ident, _ = self.refs.lookup("round")(self.round_id)
                chosen = pc.utf8_trim_whitespace(raw)
                differs = np.flatnonzero(~V.blank_mask(raw))
                for i in differs:
                    value = chosen[int(i)].as_py()
                    got, _ = self.refs.lookup("round")(value)
                    if got != ident:
                        result.errors.append(
                            (
                                int(rows[i]),
                                result.label(col.name),
                                value,
                                msg("ingest.check.other_round", round=self.round_id),
                            )
                        )
            if col.vocabulary in ("entry", "criterion") and "round_id" in parsed:
                raw = pc.binary_join_element_wise(pc.fill_null(parsed["round_id"], ""), raw, "\x1f")
            outcome = self._parse(col, raw, self.empty_at.get(position))
            self.bad_cells[col.name] = np.zeros(n, dtype=bool)
            self.bad_cells[col.name][outcome.bad_index] = True
            label = result.label(col.name)
            for i, message in zip(outcome.bad_index, outcome.bad_message):
                value = raw[int(i)].as_py()
                value = value.split("\x1f", 1)[-1] if isinstance(value, str) else value
                result.errors.append((int(rows[i]), label, _shown(value), message))
            values = outcome.values
            if col.required:
                missing = np.flatnonzero(outcome.empty)
                for i in missing[:_MAX_PER_COLUMN]:
                    result.errors.append((int(rows[i]), label, "", msg("ingest.check.required", column=label)))
                if len(missing) > _MAX_PER_COLUMN:
                    result.errors.append(
                        (
                            None,
                            label,
                            None,
                            msg("ingest.check.required_many", column=label, count=len(missing), shown=_MAX_PER_COLUMN),
                        )
                    )
            elif col.default is not None and outcome.empty.any():
                values = pc.if_else(pa.array(outcome.empty), pa.scalar(col.default, values.type), values)
            parsed[col.name] = values
        return parsed

    def _parse(self, col: Col, raw: pa.Array, empty: np.ndarray | None = None) -> V.Parsed:
        if col.kind == "id":
            return V.parse_id(raw, empty=empty)
        if col.kind == "phone":
            return V.parse_id(raw, max_length=40, empty=empty)
        if col.kind == "text":
            return V.parse_text(raw)
        if col.kind in ("int", "float"):
            maximum = col.maximum if col.maximum is not None else (MAX_INT if col.kind == "int" else None)
            return V.parse_number(
                raw, integer=col.kind == "int", minimum=col.minimum, maximum=maximum, units=col.units, empty=empty
            )
        if col.kind in ("date", "timestamp"):
            return V.parse_datetime(raw, date_only=col.kind == "date", empty=empty)
        if col.kind == "bool":
            return V.parse_mapped(raw, bool_lookup(), pa.bool_(), empty=empty)
        if col.kind == "enum":
            return V.parse_mapped(raw, vocabulary_lookup(col.list_name), empty=empty)
        if col.kind == "ref":
            return V.parse_mapped(
                raw, self.refs.lookup(col.list_name, scoped=col.list_name in ("entry", "criterion")), empty=empty
            )
        raise ValueError(col.kind)

    # ------------------------------------------------------------------------------------------
    def run(self, sheet: Sheet, progress: Progress | None = None, *, extra: Extra | None = None) -> Prepared:
        report = progress or (lambda f, m: None)
        result = self.prepare(sheet, extra=extra)
        layout = result.layout
        if layout is None:
            return result
        report(0.15, msg("ingest.step.rows"))
        columns, rows = self.read_body(sheet, result)
        sources = {col: pos for pos, col in layout.mapping.items()}
        columns, rows = self.skip_rows(columns, rows, result, sorted(layout.mapping))
        unused = [layout.labels[c] for c in sorted(layout.labels) if c not in layout.mapping]
        if unused:
            kind = msg(f"err.ingest.table.{self.spec.table}")
            result.notes.append(msg("ingest.note.unused_columns", kind=kind, columns=listing(unused[:12])))
        if len(rows) == 0:
            result.errors.append((None, None, None, msg("ingest.check.no_rows", row=layout.header_row_number)))
            return result
        report(0.3, msg("ingest.step.cells"))
        parsed = self.parse_columns(columns, rows, result, sources)
        report(0.55, msg("ingest.step.relations"))
        self.finish(parsed, rows, result)
        return result

    def finish(self, parsed: dict[str, pa.Array], rows: np.ndarray, result: Prepared) -> None:
        spec = self.spec
        self.table_rules(parsed, rows, result)
        table = pa.table({**{c: parsed[c] for c in spec.stored_columns}, "_row": pa.array(rows, type=pa.int64())})
        table = self.fill_keys(table, result)
        table = self.file_duplicates(table, result)
        result.rows = table

    # ------------------------------------------------------------------------------------------
    def table_rules(self, parsed: dict[str, pa.Array], rows: np.ndarray, result: Prepared) -> None:
        spec, errors = self.spec, result.errors

        def reported(*columns: str) -> np.ndarray:
            mask = np.zeros(len(rows), dtype=bool)
            for c in columns:
                if c in self.bad_cells:
                    mask |= self.bad_cells[c]
            return mask

        if spec.table == "grid_cases":
            closed, level = parsed["closed_at"], parsed["resolved_level"]
            known = ~reported("closed_at", "resolved_level")
            has_closed = _mask(pc.is_valid(closed)) & known
            has_level = _mask(pc.is_valid(level)) & known
            for i in np.flatnonzero(has_closed & ~has_level):
                errors.append(
                    (
                        int(rows[i]),
                        result.label("resolved_level"),
                        "",
                        msg("ingest.check.closed_without_level"),
                    )
                )
            for i in np.flatnonzero(~has_closed & has_level):
                errors.append(
                    (
                        int(rows[i]),
                        result.label("closed_at"),
                        "",
                        msg("ingest.check.level_without_closed"),
                    )
                )
            early = _mask(pc.less(closed, parsed["reported_at"]))
            for i in np.flatnonzero(early):
                errors.append(
                    (
                        int(rows[i]),
                        result.label("closed_at"),
                        str(closed[int(i)].as_py()),
                        msg("ingest.check.closed_early"),
                    )
                )
            if "grid_id" in result.labels:
                self._check_grid(parsed, rows, result)
        if spec.table == "seed_activities" and "seed_colour" in result.labels:
            self._check_colour(parsed, rows, result)
        if spec.table == "communities":
            self._check_town(parsed, rows, result)
        elif self.town is not None and "community_id" in parsed:
            self._check_community_town(parsed, rows, result)
        if spec.table == "contest_scores":
            self._check_max_score(parsed, rows, result)

    def _pairs(self, sql: str) -> dict[str, str]:
        return dict(db.query(self.cur, sql, in_transaction=True).itertuples(index=False, name=None))

    def _check_grid(self, parsed: dict[str, pa.Array], rows: np.ndarray, result: Prepared) -> None:
        grid_of = self._pairs("SELECT community_id, grid_id FROM communities")
        communities, grids = parsed["community_id"].to_pylist(), parsed["grid_id"].to_pylist()
        for i, (c, g) in enumerate(zip(communities, grids)):
            if c and g and grid_of.get(c) != g:
                result.errors.append(
                    (
                        int(rows[i]),
                        result.label("grid_id"),
                        g,
                        msg("ingest.check.other_grid", community=c, grid=grid_of.get(c)),
                    )
                )

    def _town_names(self) -> dict[str, str]:
        return self._pairs("SELECT town_code, name FROM towns")

    def _check_town(self, parsed: dict[str, pa.Array], rows: np.ndarray, result: Prepared) -> None:
        """A community's 街镇 is its grid's: one named in the ledger must be it, and it must be the
        signed-in account's (a row without one inherits the account's, through its grid)."""
        town_of = self._pairs("SELECT grid_id, town_code FROM grids")
        names = self._town_names()
        grids = parsed["grid_id"].to_pylist()
        named = parsed["town_code"].to_pylist() if "town_code" in result.labels else [None] * len(grids)
        for i, (g, town) in enumerate(zip(grids, named)):
            grid_town = town_of.get(g) if g else None
            if town and grid_town and town != grid_town:
                result.errors.append(
                    (
                        int(rows[i]),
                        result.label("town_code"),
                        names.get(town, town),
                        msg(
                            "ingest.check.grid_other_town",
                            grid=g,
                            grid_town=names.get(grid_town, grid_town),
                            town=names.get(town, town),
                        ),
                    )
                )
                continue
            self._refuse_other_town(town or grid_town, int(rows[i]), result, "town_code" if town else "grid_id", names)

    def _check_community_town(self, parsed: dict[str, pa.Array], rows: np.ndarray, result: Prepared) -> None:
        town_of = self._pairs(
            "SELECT c.community_id, g.town_code FROM communities c JOIN grids g ON g.grid_id = c.grid_id"
        )
        names = self._town_names()
        for i, c in enumerate(parsed["community_id"].to_pylist()):
            if c:
                self._refuse_other_town(town_of.get(c), int(rows[i]), result, "community_id", names)

    def _refuse_other_town(
        self, town: str | None, row: int, result: Prepared, column: str, names: dict[str, str]
    ) -> None:
        if self.town is None or town is None or town == self.town:
            return
        shown = names.get(town, town)
        result.errors.append(
            (
                row,
                result.label(column),
                shown,
                msg("ingest.check.not_your_town", town=shown, mine=names.get(self.town, self.town)),
            )
        )

    def _check_colour(self, parsed: dict[str, pa.Array], rows: np.ndarray, result: Prepared) -> None:
        colour_of = self._pairs("SELECT item_id, seed_colour FROM service_items")
        items, colours = parsed["item_id"].to_pylist(), parsed["seed_colour"].to_pylist()
        for i, (item, colour) in enumerate(zip(items, colours)):
            if item and colour and colour_of.get(item) != colour:
                result.errors.append(
                    (
                        int(rows[i]),
                        result.label("seed_colour"),
                        colour,
                        msg("ingest.check.other_colour", item=item, colour=_colour_label(colour_of.get(item))),
                    )
                )

    def _check_max_score(self, parsed: dict[str, pa.Array], rows: np.ndarray, result: Prepared) -> None:
        maximum = {
            (r, c): m
            for r, c, m in db.query(
                self.cur, "SELECT round_id, criterion_id, max_score FROM contest_criteria", in_transaction=True
            ).itertuples(index=False, name=None)
        }
        for i, (r, c, s) in enumerate(
            zip(parsed["round_id"].to_pylist(), parsed["criterion_id"].to_pylist(), parsed["score"].to_pylist())
        ):
            top = maximum.get((r, c))
            if s is not None and top is not None and s > top:
                result.errors.append(
                    (int(rows[i]), result.label("score"), f"{s:g}", msg("ingest.check.above_max", top=top))
                )

    # ------------------------------------------------------------------------------------------
    def fill_keys(self, table: pa.Table, result: Prepared) -> pa.Table:
        spec = self.spec
        if not spec.generated_key:
            return table
        key_col = next(k for k in spec.key if k != "round_id")
        missing = _mask(pc.is_null(table[key_col]))
        if not missing.any():
            return table
        if spec.generated_key == "round_community":
            generated = pc.binary_join_element_wise(table["round_id"], table["community_id"], "-")
            filled = pc.if_else(pa.array(missing), generated, table[key_col])
            if key_col not in result.labels:
                result.notes.append(msg("ingest.note.entry_ids_made"))
            return table.set_column(table.schema.get_field_index(key_col), key_col, filled)
        # Content keys: the same row imported again gets the same key (and is skipped as a duplicate);
        # two identical rows in one file are told apart by their order (#2, #3…).
        content = [c for c in spec.stored_columns if c != key_col]
        self.cur.register("ingest_keys_src", table.select([*content, "_row"]))
        try:
            prefix = "A" if spec.table == "seed_activities" else "K"
            parts = ", ".join(f"coalesce(CAST({c} AS VARCHAR), '')" for c in content)
            generated = (
                self.cur.sql(f"""
                WITH hashed AS (SELECT _row, md5(concat_ws('|', {parts})) AS digest FROM ingest_keys_src),
                final AS (
                    SELECT _row, '{prefix}-' || substr(digest, 1, 16)
                           || CASE WHEN row_number() OVER (PARTITION BY digest ORDER BY _row) > 1
                                   THEN '-' || row_number() OVER (PARTITION BY digest ORDER BY _row) ELSE '' END AS ident
                    FROM hashed)
                SELECT ident FROM final ORDER BY _row""")
                .to_arrow_table()
                .column(0)
            )
        finally:
            self.cur.unregister("ingest_keys_src")
        if key_col not in result.labels:
            result.notes.append(msg("ingest.note.ids_made", column=spec.col(key_col).label))
        filled = pc.if_else(pa.array(missing), generated.combine_chunks(), table[key_col])
        return table.set_column(table.schema.get_field_index(key_col), key_col, filled)

    def file_duplicates(self, table: pa.Table, result: Prepared) -> pa.Table:
        """Rows repeated within the file: an identical repeat is dropped (and said so); the same key with
        different content, or a name used twice, is an error at the later row."""
        spec = self.spec
        if table.num_rows == 0:
            return table
        keys = list(spec.key)
        frame = table.select([*keys, "_row"]).to_pandas()
        valid = frame[keys].notna().all(axis=1)
        dup = frame[valid].duplicated(subset=keys, keep=False)
        drop_rows: list[int] = []
        if dup.any():
            full = table.to_pandas()
            content = [c for c in spec.stored_columns if c not in keys]
            sub = full[valid][dup.to_numpy()]
            for _, group in sub.groupby(keys, sort=False, dropna=False):
                first = group.iloc[0]
                for _, other in group.iloc[1:].iterrows():
                    if all(_same(first[c], other[c]) for c in content):
                        drop_rows.append(int(other["_row"]))
                    else:
                        label = result.label(keys[-1])
                        result.errors.append(
                            (
                                int(other["_row"]),
                                label,
                                str(other[keys[-1]]),
                                msg("ingest.check.same_id", row=int(first["_row"]), column=label),
                            )
                        )
        for column in spec.unique:
            names = table.select([column, *keys, "_row"]).to_pandas()
            names = names[names[column].notna()]
            repeated = names[names.duplicated(subset=[column], keep=False)]
            for _, group in repeated.groupby(column, sort=False):
                if group[keys].drop_duplicates().shape[0] > 1:
                    first = group.iloc[0]
                    for _, other in group.iloc[1:].iterrows():
                        result.errors.append(
                            (
                                int(other["_row"]),
                                result.label(column),
                                str(other[column]),
                                msg("ingest.check.same_name", row=int(first["_row"])),
                            )
                        )
        if drop_rows:
            result.skipped_in_file = len(drop_rows)
            result.notes.append(msg("ingest.note.repeated_rows", rows=_rows_text(np.array(sorted(drop_rows)))))
            keep = ~np.isin(table["_row"].to_numpy(), np.array(drop_rows))
            table = table.filter(pa.array(keep))
        return table


_MAX_PER_COLUMN = 2000


def _same(a: object, b: object) -> bool:
    if a is None or (isinstance(a, float) and np.isnan(a)) or a is pd.NaT:
        return b is None or (isinstance(b, float) and np.isnan(b)) or b is pd.NaT
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _mask(array: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def _shown(value: object) -> str | None:
    if value is None:
        return None
    text = str(value)
    if text.startswith("\x00formula:"):
        text = text[len("\x00formula:") :]
    return text if len(text) <= 60 else text[:57] + "…"


def _colour_label(code: object) -> Message | str:
    return msg(f"{LABEL_KEYS['colour']}.{code}") if code in VOCABULARY_LABELS["colour"] else str(code)


def _arrow_type(col: Col) -> pa.DataType:
    return {
        "int": pa.int64(),
        "float": pa.float64(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("s"),
        "bool": pa.bool_(),
    }.get(col.kind, pa.string())
