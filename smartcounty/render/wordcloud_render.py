"""Word cloud of report.hot_topics, drawn with the CJK font the project installs itself.

wordcloud's bundled font has no CJK glyphs (it draws boxes), and a .ttc face 0 is often the
Japanese variant, so we use the single-face Simplified Chinese Noto Sans SC shipped by the
PyPI package ``pylopdf_fonts_zh_cn`` (OFL-1.1).
"""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path

FONT_PACKAGE = "pylopdf_fonts_zh_cn"
FONT_FILE = "NotoSansSC-Regular.otf"


def font_path() -> Path:
    return Path(str(resources.files(FONT_PACKAGE) / FONT_FILE))


def render_png(frequencies: dict[str, float], width: int = 1000, height: int = 460) -> bytes:
    """PNG bytes of a word cloud for ``{term: frequency}``; deterministic for the same input."""
    from wordcloud import WordCloud  # imported lazily: it pulls matplotlib

    positive = {term: float(freq) for term, freq in frequencies.items() if term and freq and freq > 0}
    if not positive:
        raise ValueError("no terms with a positive frequency")
    cloud = WordCloud(
        font_path=str(font_path()),
        width=width,
        height=height,
        background_color="white",
        colormap="viridis",
        prefer_horizontal=0.95,
        max_words=150,
        random_state=7,
    ).generate_from_frequencies(positive)
    buffer = io.BytesIO()
    cloud.to_image().save(buffer, format="PNG")
    return buffer.getvalue()
