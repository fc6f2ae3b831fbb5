"""Contrast, computed from the style's own colours (WCAG 2.1): text at least 4.5:1 against its
background (1.4.3); field borders, check-box outlines and spin-box arrows at least 3:1 against
what they sit on (1.4.11)."""

from __future__ import annotations

import re

import pytest

from ctpanel.qt.app import load_style
from ctpanel.qt.widgets.log_pane import LEVEL_COLOURS

TEXT, GRAPHIC = 4.5, 3.0
RULE = re.compile(r"([^{}]+)\{([^}]*)\}")
HEX = r"#[0-9a-fA-F]{6}"


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(first: str, second: str) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rules() -> list[tuple[str, dict[str, str]]]:
    text = re.sub(r"/\*.*?\*/", "", load_style(), flags=re.S)
    found = []
    for selector, body in RULE.findall(text):
        properties = {}
        for declaration in body.split(";"):
            name, _, value = declaration.partition(":")
            if name.strip():
                properties[name.strip()] = value.strip()
        found.append((" ".join(selector.split()), properties))
    return found


def colour(value: str | None) -> str | None:
    match = re.search(HEX, value or "")
    return match.group(0).lower() if match else None


BASE = colour(dict(rules())["QWidget"]["background"])
STRIP = colour(dict(rules())["QWidget#positionStrip"]["background"])
FIELD = colour(dict(rules())["QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox, QKeySequenceEdit, "
                             "QPlainTextEdit"]["background"])
ARROW_BUTTON = colour(dict(rules())["QSpinBox::up-button, QDoubleSpinBox::up-button, "
                                   "QSpinBox::down-button, QDoubleSpinBox::down-button"]
                      ["background"])
CONTROLS = ("QLineEdit", "QComboBox", "QSpinBox", "QDoubleSpinBox", "QKeySequenceEdit",
            "QCheckBox::indicator", "QPushButton")


def backdrop(selector: str, properties: dict[str, str]) -> str:
    """What a rule's text or outline is seen against: its own background, else what it sits
    on (the position strip for the position's labels, else the window)."""
    own = colour(properties.get("background") or properties.get("background-color"))
    if own:
        return own
    return STRIP if "position" in selector else BASE


def text_pairs() -> list[tuple[str, str, str]]:
    pairs = []
    for selector, properties in rules():
        text = colour(properties.get("color"))
        if text and "selection" not in selector:
            pairs.append((selector, text, backdrop(selector, properties)))
    pairs += [(f"log {level.value}", hex_colour.lower(), FIELD)
              for level, hex_colour in LEVEL_COLOURS.items()]
    return pairs


def outline_pairs() -> list[tuple[str, str, str]]:
    pairs = []
    for selector, properties in rules():
        if "arrow" in selector:  # a triangle: its one coloured side against the button
            side = properties.get("border-bottom") or properties.get("border-top")
            pairs.append((selector, colour(side), ARROW_BUTTON))
            continue
        border = colour(properties.get("border"))
        if border is None or ":hover" in selector or ":focus" in selector \
                or not any(part.strip().startswith(CONTROLS) for part in selector.split(",")):
            continue
        pairs.append((f"{selector} (on the window)", border, BASE))
        if "QPushButton" not in selector and ":checked" not in selector:  # a field, inside too
            pairs.append((selector, border, backdrop(selector, properties)))
    return pairs


@pytest.mark.parametrize(("where", "text", "background"), text_pairs())
def test_text_stands_at_least_4_5_to_1(where, text, background):
    assert ratio(text, background) >= TEXT, f"{where}: {text} on {background}"


@pytest.mark.parametrize(("where", "outline", "background"), outline_pairs())
def test_field_borders_check_boxes_and_arrows_stand_at_least_3_to_1(where, outline, background):
    assert ratio(outline, background) >= GRAPHIC, f"{where}: {outline} on {background}"


def test_the_checks_cover_what_the_trader_reads():
    outlines = " ".join(where for where, _, _ in outline_pairs())
    assert "QCheckBox::indicator" in outlines and "up-arrow" in outlines
    assert "QLineEdit" in outlines and len(text_pairs()) > 20
    assert ratio("#ffffff", "#000000") == pytest.approx(21.0)  # the formula itself
