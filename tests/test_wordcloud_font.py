"""The word cloud's font really has Chinese glyphs (not the .notdef box), and the cloud renders."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageFont, ImageStat

from smartcounty.render import wordcloud_render

TEXT = "智慧城市"
MISSING = "\U0010fffd"  # a private-use code point no font maps: it renders as .notdef


def _mask(font: ImageFont.FreeTypeFont, text: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(text)
    return mask.size, bytes(mask)


def _distinct_from_notdef(font_file: Path, text: str) -> list[bool]:
    font = ImageFont.truetype(str(font_file), 48)
    notdef = _mask(font, MISSING)
    return [(_mask(font, char) != notdef and any(_mask(font, char)[1])) for char in text]


def test_font_is_the_packaged_noto_sans_sc() -> None:
    path = wordcloud_render.font_path()
    assert path.is_file() and path.name == "NotoSansSC-Regular.otf"


def test_chinese_glyphs_differ_from_the_missing_glyph_box() -> None:
    assert all(_distinct_from_notdef(wordcloud_render.font_path(), TEXT))


def test_the_check_detects_a_font_without_cjk() -> None:
    # Control: wordcloud's bundled Latin font draws every Chinese character as .notdef.
    import wordcloud

    latin = Path(wordcloud.__file__).parent / "DroidSansMono.ttf"
    if not latin.is_file():
        pytest.skip("wordcloud's bundled font not found")
    assert not any(_distinct_from_notdef(latin, TEXT))


def test_word_cloud_renders_a_non_blank_image() -> None:
    png = wordcloud_render.render_png({"智慧城市": 12, "雪亮工程": 8, "视频监控": 5, "数字乡村": 3}, width=400, height=200)
    image = Image.open(io.BytesIO(png))
    assert image.size == (400, 200)
    assert ImageStat.Stat(image.convert("L")).stddev[0] > 10


def test_word_cloud_rejects_an_empty_vocabulary() -> None:
    with pytest.raises(ValueError):
        wordcloud_render.render_png({"智慧城市": 0})
