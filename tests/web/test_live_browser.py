"""Live counts, toasts, the Connect dialog, confirmations and "More" menus in a real
Chromium at a phone width (390 px) and a desktop width (1280 px), on SQLite and
PostgreSQL: every action updates the header badges and the page's counts without a
reload, says what it did in a toast, and axe-core finds nothing with a dialog open."""

from __future__ import annotations

from pathlib import Path

import pytest

from kith.runtime import Kith
from tests.fixtures.browser import SCREENSHOTS, open_connect_dialog
from tests.fixtures.factories import PASSWORD, connect, make_member

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "src" / "kith" / "static" / "vendor" / "axe.min.js"
WIDTHS = (390, 1280)


def _people(kith: Kith, width: int) -> dict[str, str]:
    """For one width: Ana, invited by Ben, Cleo and Dev; her invitation to Eve pending;
    connected with Fay; Gus, a stranger to find in search. Handles by first name."""
    from kith.connections.service import send_invitation

    tag = f"W{width}"
    with kith.uow() as ctx:
        ana = make_member(ctx, "Ana", f"Ruiz{tag}", email=f"ana.{width}@example.org")
        found = {n: make_member(ctx, n, f"{n}son{tag}") for n in ("Ben", "Cleo", "Dev", "Eve")}
        fay = make_member(ctx, "Fay", f"Lund{tag}")
        gus = make_member(ctx, "Gus", f"Gruber{tag}", headline="Designer")
        for name in ("Ben", "Cleo", "Dev"):
            send_invitation(ctx, found[name], ana)
        send_invitation(ctx, ana, found["Eve"])
        connect(ctx, ana, fay)
        handles = {n: m.handle for n, m in found.items()}
        handles |= {"Ana": ana.handle, "Fay": fay.handle, "Gus": gus.handle, "tag": tag}
    return handles


def _axe(page: object, where: str, failures: list[str]) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    page.add_script_tag(path=str(AXE))
    for violation in page.evaluate("axe.run(document).then(r => r.violations)"):
        targets = [str(node["target"]) for node in violation["nodes"]][:5]
        failures.append(f"{where}: {violation['id']} {targets}")
    sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if sideways > 0:
        failures.append(f"{where}: scrolls sideways by {sideways}px")


def test_actions_update_counts_in_place_with_dialogs_and_menus(
    browser: object,  # noqa: F811
    live_server: str,  # noqa: F811
    committed_kith: Kith,
    backend: str,
) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    base = live_server
    failures: list[str] = []
    errors: list[str] = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        h = _people(committed_kith, width)
        tag = h["tag"]
        # The checker is injected, so the script policy is bypassed for this context.
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        context.set_default_timeout(10_000)
        page = context.new_page()
        # Script errors, and htmx's (an out-of-band element without its target, say);
        # the search page's htmx:syntax:error and the missing favicon belong elsewhere.
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "console",
            lambda m: (
                errors.append(m.text)
                if m.type == "error" and "htmx:" in m.text and "syntax" not in m.text
                else None
            ),
        )
        page.goto(f"{base}/signin")
        page.get_by_label("Email").fill(f"ana.{width}@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base}/")  # the home feed
        page.goto(f"{base}/mynetwork")
        shot = f"{backend}-{width}"

        # Accept: the header badge, "Invitations (N)" and the connection count change
        # in place, and a toast says so.
        invitations = page.locator("#badge-invitations")
        expect(invitations).to_have_text("3")
        expect(page.locator("#received-count")).to_have_text("Invitations (3)")
        expect(page.locator("#connections-total")).to_have_text("1")
        expect(page.locator("#pymk")).to_contain_text("People you may know")
        ben_card = page.locator("#received li", has_text=f"Benson{tag}")
        ben_card.get_by_role("button", name="Accept").click()
        expect(ben_card).to_contain_text("You are now connected")
        expect(invitations).to_have_text("2")
        expect(page.locator("#received-count")).to_have_text("Invitations (2)")
        expect(page.locator("#connections-total")).to_have_text("2")
        expect(page.locator("#connections h2")).to_have_text("2 connections")
        expect(page.locator("#toasts")).to_contain_text(f"Connected with Ben Benson{tag}")
        page.screenshot(path=str(SCREENSHOTS / f"live-accepted-{shot}.png"))

        # "I don't know this person" is under More; Escape closes the menu.
        cleo_card = page.locator("#received li", has_text=f"Cleoson{tag}")
        more = cleo_card.locator("summary", has_text="More")
        unknown = cleo_card.get_by_role("button", name="I don't know this person")
        expect(unknown).to_be_hidden()
        more.click()
        expect(unknown).to_be_visible()
        page.keyboard.press("Escape")
        expect(unknown).to_be_hidden()
        expect(more).to_be_focused()
        page.keyboard.press("Enter")
        expect(unknown).to_be_visible()
        _axe(page, f"{width}px More menu on an invitation", failures)
        page.screenshot(path=str(SCREENSHOTS / f"live-invitation-more-{shot}.png"))
        unknown.click()
        expect(invitations).to_have_text("1")
        expect(page.locator("#received-count")).to_have_text("Invitations (1)")

        # Withdraw asks first, with the wait.
        eve_card = page.locator("#sent li", has_text=f"Eveson{tag}")
        expect(page.locator("#sent-count")).to_have_text("Sent invitations (1)")
        eve_card.get_by_role("button", name="Withdraw").click()
        confirm = eve_card.locator("dialog")
        expect(confirm).to_be_visible()
        expect(confirm).to_contain_text("You can invite Eve again after 21 days.")
        _axe(page, f"{width}px withdraw dialog", failures)
        page.screenshot(path=str(SCREENSHOTS / f"live-withdraw-{shot}.png"))
        confirm.get_by_role("button", name="Cancel").click()
        expect(confirm).to_be_hidden()
        eve_card.get_by_role("button", name="Withdraw").click()
        confirm.get_by_role("button", name="Withdraw").click()
        expect(page.locator("#toasts")).to_contain_text("Withdrawn. You can invite Eve again")
        expect(page.locator("#sent-count")).to_have_text("Sent invitations")
        expect(page.locator("#sent-total")).to_have_text("0")

        # Connect from search with a note, through the dialog: Pending in place, a toast.
        page.goto(f"{base}/search?q=Gruber{tag}")
        row = page.locator("#results li", has_text=f"Gus Gruber{tag}")
        opener = row.get_by_role("button", name=f"Connect with Gus Gruber{tag}")
        dialog = open_connect_dialog(page, row, f"Connect with Gus Gruber{tag}")
        expect(dialog.get_by_label("How do you know each other?")).to_be_focused()
        _axe(page, f"{width}px Connect dialog", failures)
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        expect(opener).to_be_focused()
        dialog = open_connect_dialog(page, row, f"Connect with Gus Gruber{tag}")
        dialog.get_by_label("How do you know each other?").fill("We met at an event")
        dialog.locator("textarea[name=note]").fill("Hello Gus, good to meet you!")
        expect(dialog.locator(".counter")).to_have_text("28 / 300")
        page.screenshot(path=str(SCREENSHOTS / f"live-connect-dialog-{shot}.png"))
        dialog.get_by_role("button", name="Send invitation").click()
        expect(dialog).to_have_count(0)
        expect(row.get_by_role("button", name="Pending")).to_be_visible()
        expect(page.locator("#toasts")).to_contain_text(f"Invitation sent to Gus Gruber{tag}")
        page.screenshot(path=str(SCREENSHOTS / f"live-connect-sent-{shot}.png"))

        # On a profile: Message, and Remove connection under More, confirmed in a dialog.
        page.goto(f"{base}/in/{h['Fay']}")
        actions = page.locator("#actions")
        expect(actions.get_by_role("button", name="Message")).to_be_visible()
        box = actions.get_by_role("button", name="Message").bounding_box()
        assert box is not None
        assert box["width"] < width / 2  # not a full-width bar
        actions.locator("summary", has_text="More").click()
        page.screenshot(path=str(SCREENSHOTS / f"live-profile-more-{shot}.png"))
        actions.get_by_role("button", name="Remove connection").click()
        remove = page.locator("dialog#remove-dialog")
        expect(remove).to_be_visible()
        _axe(page, f"{width}px remove dialog", failures)
        page.screenshot(path=str(SCREENSHOTS / f"live-profile-remove-{shot}.png"))
        remove.get_by_role("button", name="Remove connection").click()
        expect(page.locator("#toasts")).to_contain_text(f"Removed Fay Lund{tag}")
        connect_button = actions.get_by_role("button", name="Connect", exact=True)
        expect(connect_button).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / f"live-profile-removed-{shot}.png"))
        box = connect_button.bounding_box()
        assert box is not None
        assert box["width"] < width / 2  # Connect doesn't stretch

        # Opening Notifications marks them seen: the badge clears.
        notifications = page.locator("#badge-notifications")
        expect(notifications).to_have_text("4")  # three invitations, one acceptance
        page.goto(f"{base}/notifications")
        expect(page.locator("#badge-notifications")).to_be_hidden()
        page.goto(f"{base}/mynetwork")
        expect(page.locator("#badge-notifications")).to_be_hidden()
        context.close()
    assert failures == [], "\n".join(failures)
    assert errors == [], errors
