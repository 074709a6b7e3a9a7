"""Help ▸ The Lessons: one section per example file, made from the files themselves.

The lesson files are the one home of their titles, texts and promises; this page only lays
them out, in the order of the Examples menu.
"""

from __future__ import annotations

from pathlib import Path

from core.fileformat import load_network
from gui.file_actions import list_examples
from gui.help.texts import (GOAL_ACCURACY, GOAL_LOSS, GOAL_METRICS, LESSON_ENTRY, LESSONS_INTRO,
                            NO_LESSONS)


def lessons_markdown(examples_dir: Path, examples_path: str) -> str:
    parts = [LESSONS_INTRO.format(examples=examples_path)]
    for example in list_examples(examples_dir):
        try:
            lesson = load_network(example.path).lesson
        except Exception:  # noqa: BLE001 - a broken example must not hide the others
            lesson = None
        parts.append(LESSON_ENTRY.format(name=example.name, description=example.description,
                                         lesson=_lesson_text(lesson)))
    if len(parts) == 1:
        parts.append(NO_LESSONS.format(folder=examples_dir))
    return "\n\n".join(parts) + "\n"


def _lesson_text(lesson) -> str:
    if lesson is None:
        return ""
    lines = [f"**{lesson.title}**" if lesson.title else "", lesson.text]
    if lesson.goal_metric:
        metric = GOAL_METRICS.get(lesson.goal_metric, lesson.goal_metric)
        template = GOAL_LOSS if lesson.goal_metric.endswith("loss") else GOAL_ACCURACY
        lines.append(template.format(metric=metric, value=lesson.goal_value))
    return "\n\n".join(line for line in lines if line)
