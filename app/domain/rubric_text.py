"""An assignment's rubric as staff write it (Terms §2.1a, peer-assessed assignments):
criteria, each with levels worth points, in English and French, as plain text.

    * Clear names | Des noms clairs
    0 | Unclear | Peu clairs
    1 | Partly clear | En partie clairs
    2 | Clear | Clairs

A line starting with "*" is a criterion ("English | French"); the lines under it are its
levels ("points | English | French"). Blank lines are ignored. A criterion has two
levels or more, with different points (a level is chosen by its points, and the best
one gives the criterion's maximum)."""

from dataclasses import dataclass, field

MAX_CRITERIA = 20
MAX_LEVELS = 10
MAX_POINTS = 100
MAX_LINE = 500


@dataclass(frozen=True)
class Level:
    points: int
    label_en: str
    label_fr: str


@dataclass
class Criterion:
    title_en: str
    title_fr: str
    levels: list[Level] = field(default_factory=list)


class RubricTextError(ValueError):
    """`problem` names what is wrong, `line` where (1-based; 0 for the whole text)."""

    def __init__(self, problem: str, line: int = 0):
        super().__init__(f"{problem} at line {line}")
        self.problem = problem
        self.line = line


def _parts(text: str, count: int) -> list[str] | None:
    parts = [p.strip() for p in text.split("|")]
    return parts if len(parts) == count and all(parts) else None


def parse(text: str) -> list[Criterion]:
    criteria: list[tuple[int, Criterion]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if len(line) > MAX_LINE:
            raise RubricTextError("too_long", number)
        if line.startswith("*"):
            parts = _parts(line[1:], 2)
            if parts is None:
                raise RubricTextError("criterion_languages", number)
            if len(criteria) == MAX_CRITERIA:
                raise RubricTextError("too_many", number)
            criteria.append((number, Criterion(parts[0], parts[1])))
            continue
        if "|" not in line:
            raise RubricTextError("unknown", number)
        if not criteria:
            raise RubricTextError("level_first", number)
        parts = _parts(line, 3)
        if parts is None:
            raise RubricTextError("level_languages", number)
        points = parts[0]
        if not points.isascii() or not points.isdigit() or int(points) > MAX_POINTS:
            raise RubricTextError("points", number)
        criterion = criteria[-1][1]
        if any(level.points == int(points) for level in criterion.levels):
            raise RubricTextError("duplicate_points", number)
        if len(criterion.levels) == MAX_LEVELS:
            raise RubricTextError("too_many_levels", number)
        criterion.levels.append(Level(int(points), parts[1], parts[2]))
    if not criteria:
        raise RubricTextError("empty")
    for number, criterion in criteria:
        if len(criterion.levels) < 2:
            raise RubricTextError("levels", number)
    return [criterion for _number, criterion in criteria]


def write(criteria: list[Criterion]) -> str:
    """The text `parse` reads back into the same rubric (levels by points)."""
    lines = []
    for criterion in criteria:
        if lines:
            lines.append("")
        lines.append(f"* {criterion.title_en} | {criterion.title_fr}")
        for level in sorted(criterion.levels, key=lambda lv: lv.points):
            lines.append(f"{level.points} | {level.label_en} | {level.label_fr}")
    return "\n".join(lines) + "\n" if lines else ""
