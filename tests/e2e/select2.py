"""The admin's autocomplete fields (select2), as an editor uses them."""

from playwright.sync_api import expect


def pick(page, field, search, option=None):
    """Type `search` in the autocomplete field `field` and pick `option` (by default the
    first option showing `search`), once the list shows what the search found.

    select2 first lists every choice, then redraws the list when the search answers: a
    click on the first list can land as it is redrawn and pick nothing (which failed a
    CI run), so the click waits for a list of matches alone and the pick is checked.
    """
    option = option or search
    page.locator(f"#id_{field} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    results = page.locator(".select2-container--open .select2-results__option")
    expect(results.filter(has_not_text=search)).to_have_count(0)
    results.filter(has_text=option).first.click()
    expect(page.locator(f"#id_{field} + .select2 .select2-selection__rendered")).to_contain_text(
        option
    )
