"""A tiny rasteriser for the QR SVGs segno writes (one stroked path of ``M m h H v V z``
commands, stroke width 1, optional ``scale()`` transform), so tests can decode a downloaded
SVG with zxing-cpp without a full SVG renderer on the machine."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from PIL import Image, ImageDraw

_NS = "{http://www.w3.org/2000/svg}"
_TOKEN = re.compile(r"[MmHhVvZz]|-?\d+(?:\.\d+)?")


def render_svg(data: bytes, *, pixels_per_unit: int = 4) -> Image.Image:
    root = ET.fromstring(data)
    if "viewBox" in root.attrib:
        _, _, width, height = (float(v) for v in root.attrib["viewBox"].split())
    else:
        width, height = float(root.attrib["width"]), float(root.attrib["height"])
    path = root.find(f"{_NS}path")
    if path is None:
        path = root.find("path")
    assert path is not None, "no path in the SVG"
    scale = 1.0
    transform = path.attrib.get("transform", "")
    if match := re.fullmatch(r"scale\(([\d.]+)\)", transform):
        scale = float(match.group(1))
    stroke = 1.0 * scale
    image = Image.new("L", (int(width * pixels_per_unit), int(height * pixels_per_unit)), 255)
    draw = ImageDraw.Draw(image)
    tokens = _TOKEN.findall(path.attrib["d"])
    x = y = 0.0
    i = 0
    command = ""
    while i < len(tokens):
        token = tokens[i]
        if token.isalpha():
            command = token
            i += 1
            if command in "Zz":
                continue
        if command in "Mm":
            dx, dy = float(tokens[i]), float(tokens[i + 1])
            i += 2
            x, y = (x + dx, y + dy) if command == "m" else (dx, dy)
            continue
        value = float(tokens[i])
        i += 1
        if command in "Hh":
            nx = x + value if command == "h" else value
            x0, x1 = sorted((x * scale, nx * scale))
            y0 = y * scale - stroke / 2
            draw.rectangle(
                [
                    x0 * pixels_per_unit,
                    y0 * pixels_per_unit,
                    x1 * pixels_per_unit - 1,
                    (y0 + stroke) * pixels_per_unit - 1,
                ],
                fill=0,
            )
            x = nx
        elif command in "Vv":
            ny = y + value if command == "v" else value
            y0, y1 = sorted((y * scale, ny * scale))
            x0 = x * scale - stroke / 2
            draw.rectangle(
                [
                    x0 * pixels_per_unit,
                    y0 * pixels_per_unit,
                    (x0 + stroke) * pixels_per_unit - 1,
                    y1 * pixels_per_unit - 1,
                ],
                fill=0,
            )
            y = ny
    return image
