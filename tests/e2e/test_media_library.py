"""The media library in a real browser: the focal point is set by clicking the image."""

import pytest
from playwright.sync_api import expect

from articles import media
from articles.models.media import MediaImage
from articles.renditions import Spec

from ..factories import image_upload, make_editor, make_writer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_editor_sets_the_focal_point_by_clicking_the_image(
    live_server, page, admin_sign_in, console_errors
):
    make_editor(username="editor")
    image = media.add_image(image_upload(size=(1600, 900)), alt="Boats in the harbour")
    admin_sign_in(page, "editor")
    page.goto(f"{live_server.url}/admin/articles/mediaimage/{image.pk}/change/")

    picture = page.locator(".focal-point img")
    expect(picture).to_be_visible()
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.75, "y": box["height"] * 0.25})

    marker = page.locator(".focal-point__marker")
    expect(marker).to_be_visible()
    at = marker.bounding_box()  # where the click was, not off to one side
    assert abs((at["x"] + at["width"] / 2 - box["x"]) / box["width"] - 0.75) < 0.02
    assert abs(float(page.locator("#id_focal_x").input_value()) - 0.75) < 0.01
    assert abs(float(page.locator("#id_focal_y").input_value()) - 0.25) < 0.01
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    image.refresh_from_db()
    assert abs(image.focal_x - 0.75) < 0.01 and abs(image.focal_y - 0.25) < 0.01
    # The square crop around the new point was made in the background, under a new name.
    square = Spec(480, (1, 1))
    assert image.file.storage.exists(image.rendition_name(square))
    assert "f500-500" not in image.rendition_name(square)  # not the centred crop
    assert MediaImage.objects.count() == 1
    assert console_errors == []


def test_a_writer_viewing_someone_elses_image_sees_its_focal_point_and_cannot_move_it(
    live_server, page, admin_sign_in, console_errors
):
    make_writer(username="writer", totp=True)
    image = media.add_image(image_upload(size=(1600, 900)), alt="Boats in the harbour")
    media.set_focal_point(image, 0.25, 0.75)
    admin_sign_in(page, "writer")
    page.goto(f"{live_server.url}/admin/articles/mediaimage/{image.pk}/change/")

    picture = page.locator(".focal-point img")
    expect(picture).to_be_visible()
    marker = page.locator(".focal-point__marker")
    expect(marker).to_be_visible()
    before = marker.bounding_box()
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.9, "y": box["height"] * 0.1})
    assert marker.bounding_box() == before
    # The marker sits on the point, a quarter across and three quarters down.
    centre_x = before["x"] + before["width"] / 2 - box["x"]
    centre_y = before["y"] + before["height"] / 2 - box["y"]
    assert abs(centre_x / box["width"] - 0.25) < 0.02
    assert abs(centre_y / box["height"] - 0.75) < 0.02
    assert picture.evaluate("(img) => getComputedStyle(img).cursor") != "crosshair"
    assert page.get_by_text("Click the image").count() == 0
    image.refresh_from_db()
    assert image.focal == (0.25, 0.75)
    assert console_errors == []
