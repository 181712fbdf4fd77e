"""A product as data on the real local stack: a brand's sweet box (layer files beside its YAML)
deployed with ``samvad deploy``, filled without JavaScript, sent, shared and drawn as an image."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import RunningStack
from tests.http.test_campaigns_over_http import done, samvad
from tests.samples import DEFINITIONS, png_size

pytestmark = pytest.mark.http
SLUG = "diwali-box"  # the sample sweet box under a new name: a campaign no stack has yet


def deploy_a_copy(stack: RunningStack, folder: Path) -> None:
    """The sample, renamed, in a folder of its own with its layer files; deployed and
    published; then the files are deleted: pages must not need them."""
    text = (DEFINITIONS / "sweet-box.yaml").read_text(encoding="utf-8").replace("sweet-box", SLUG)
    (folder / f"{SLUG}.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(DEFINITIONS / "assets" / "sweet-box", folder / "assets" / SLUG)
    deployed = done(samvad("deploy", str(folder / f"{SLUG}.yaml"), "--api", stack.base_url))
    assert deployed == f"{SLUG}: deployed version 1\n"
    done(samvad("publish", SLUG, "1", "--api", stack.base_url))
    shutil.rmtree(folder / "assets")


def layers_of(html: str) -> list[str]:
    figure = re.split(r'<figure class="preview"[^>]*>', html, maxsplit=1)[1].split("</figure>")[0]
    return re.findall(r'data-layer="([a-z-]+)"', figure)


def test_a_deployed_sweet_box_is_filled_without_javascript_and_shared(
    stack: RunningStack, tmp_path: Path
) -> None:
    deploy_a_copy(stack, tmp_path)

    page = stack.get(f"/ur/c/{SLUG}")
    assert page.status_code == 200
    assert 'dir="rtl"' in page.text
    assert layers_of(page.text) == ["backdrop", "lid", "box"]  # an empty box, no ribbon
    assert 'formaction="/ur/c/diwali-box#preview"' in page.text  # lands back at the preview

    choices = {
        "box": "maroon",
        "lid": "mandala",
        "ribbon": "gold",
        "sweets.ladoo": "yes",
        "sweets.jalebi": "yes",
    }
    preview = stack.post(f"/en/c/{SLUG}", data={**choices, "action": "preview"})
    assert preview.status_code == 200
    assert layers_of(preview.text) == ["backdrop", "lid", "ribbon", "box", "ladoo", "jalebi"]
    figure = preview.text.split('id="preview"', 1)[1].split("</figure>", 1)[0]
    assert 'fill="#7b1e3a"' in figure  # the box in maroon
    assert "<pattern " in figure  # mandala flowers on the lid
    assert 'fill="#d4a017"' in figure  # a gold ribbon
    assert "₹597.00" in figure  # 299 + mandala 49 + ribbon 39 + ladoo 120 + jalebi 90
    assert 'name="sweets.ladoo" value="yes" checked' in preview.text

    sent = stack.post(
        f"/en/c/{SLUG}",
        data={**choices, "occasion": "family", "form_token": "http-sweet-0001", "action": "send"},
    )
    assert sent.status_code == 303, sent.text
    thanks = stack.get(sent.headers["Location"]).text
    assert layers_of(thanks) == ["backdrop", "lid", "ribbon", "box", "ladoo", "jalebi"]
    action = re.search(r'action="(/en/d/[0-9a-f]{32}/share)"', thanks)
    assert action is not None
    shared = stack.post(action.group(1), data={"message": ""})
    assert shared.status_code == 303
    share_path = shared.headers["Location"]

    image = stack.get(f"{share_path}/design.svg")
    assert image.headers["Content-Type"] == "image/svg+xml"
    assert re.findall(r'data-layer="([a-z-]+)"', image.text) == layers_of(thanks)
    png = stack.get(f"{share_path}/design.png")
    assert png.headers["Content-Type"] == "image/png"
    assert png_size(png.content) == (1200, 630)
