"""Search and people-you-may-know through the REST API and the pages."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kith.models import Invitation, Member, SuggestionSeen
from kith.runtime import Kith
from kith.search.service import AmbiguousMember, connections_owner
from kith.uow import Ctx
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.pages import post, sign_in_as
from tests.fixtures.queries import count_statements
from tests.fixtures.refusals import refusal, refused
from tests.fixtures.search import profile, synced


@pytest.fixture
def people(client: TestClient, kith: Kith, ctx: Ctx) -> dict[str, Member]:
    vera = make_member(ctx, "Vera", "Viewer")
    ana = make_member(ctx, "Ana", "Ruiz")
    ben = make_member(ctx, "Ben", "Okafor")
    dora = make_member(ctx, "Dora", "Ruiz")
    connect(ctx, vera, ana)
    connect(ctx, ana, ben)
    profile(ctx, ana, headline="Data engineer", positions=[("Acme", "Engineer", 2019, 1)])
    profile(
        ctx,
        ben,
        headline="Engineer",
        location="Berlin",
        industry="Technology",
        positions=[("Acme", "Engineer", 2020, 1)],
    )
    profile(ctx, dora, headline="Engineer", location="Madrid", industry="Technology")
    synced(kith)
    return {"vera": vera, "ana": ana, "ben": ben, "dora": dora}


def test_search_api(client: TestClient, ctx: Ctx, people: dict[str, Member]) -> None:
    headers = bearer(ctx, people["vera"])
    body = client.get(
        "/api/v1/search/people", params={"q": "engineer", "company": "Acme"}, headers=headers
    ).json()
    assert [i["member"]["handle"] for i in body["items"]] == [
        people["ana"].handle,
        people["ben"].handle,
    ]
    ben = body["items"][1]
    assert (ben["member"]["degree"], ben["member"]["degree_label"]) == (2, "2nd")
    assert ben["member"]["mutual_connections"] == 1
    assert ben["shared_connections"] == [{"handle": people["ana"].handle, "name": "Ana Ruiz"}]
    assert body["facets"]["company"] == [{"value": "Acme", "count": 2, "selected": True}]
    assert (body["total"], body["page"], body["pages"], body["truncated"]) == (2, 1, 1, False)
    body = client.get(
        "/api/v1/search/people",
        params=[("q", "engineer"), ("network", "2"), ("network", "3")],
        headers=headers,
    ).json()
    assert [i["member"]["handle"] for i in body["items"]] == [
        people["ben"].handle,
        people["dora"].handle,
    ]
    exact = client.get("/api/v1/search/people", params={"q": "dora ruiz"}, headers=headers)
    assert exact.json()["items"][0]["exact_name_match"] is True
    names = client.get("/api/v1/search/typeahead", params={"q": "ru"}, headers=headers).json()
    assert [m["handle"] for m in names["items"]] == [people["ana"].handle, people["dora"].handle]


def test_search_api_refusals(client: TestClient, ctx: Ctx, people: dict[str, Member]) -> None:
    headers = bearer(ctx, people["vera"])
    refused(client.get("/api/v1/search/people", params={"q": "a"}), 401, "not_authenticated")
    refused(client.get("/api/v1/search/people", headers=headers), 422, "empty_search")
    refused(
        client.get("/api/v1/search/people", params={"network": "9"}, headers=headers),
        422,
        "invalid_network",
    )
    refused(
        client.get("/api/v1/search/people", params={"q": "x", "page": 0}, headers=headers),
        422,
        "invalid_page",
    )
    refused(
        client.get(
            "/api/v1/search/people",
            params={"connections_of": people["ben"].handle},
            headers=headers,
        ),
        403,
        "connections_private",
    )
    refused(
        client.get("/api/v1/search/typeahead", params={"q": "a", "limit": 99}, headers=headers),
        422,
        "invalid_search",
    )


def test_suggestions_api(client: TestClient, ctx: Ctx, people: dict[str, Member]) -> None:
    headers = bearer(ctx, people["vera"])
    body = client.get("/api/v1/suggestions", headers=headers).json()
    assert body["items"][0]["member"]["handle"] == people["ben"].handle
    assert body["items"][0]["reasons"] == ["1 shared connection, including Ana Ruiz"]
    ben = people["ben"].handle
    assert client.post(f"/api/v1/suggestions/{ben}/dismiss", headers=headers).status_code == 204
    after = client.get("/api/v1/suggestions", headers=headers).json()
    assert ben not in [i["member"]["handle"] for i in after["items"]]
    refused(
        client.post("/api/v1/suggestions/nobody-at-all/dismiss", headers=headers),
        404,
        "member_not_found",
    )
    refused(
        client.post(f"/api/v1/suggestions/{people['vera'].handle}/dismiss", headers=headers),
        422,
        "self_dismiss",
    )
    refused(client.get("/api/v1/suggestions?limit=0", headers=headers), 422, "invalid_page")


def test_search_page_with_filters_in_the_url(
    client: TestClient, kith: Kith, ctx: Ctx, people: dict[str, Member]
) -> None:
    sign_in_as(client, ctx, people["vera"])
    page = client.get("/search?q=engineer&company=Acme&network=2")
    assert page.status_code == 200
    assert "1 result for “engineer”" in page.text
    assert "Ben Okafor" in page.text
    assert "Dora Ruiz" not in page.text
    assert "Ana Ruiz is a shared connection" in page.text
    assert 'value="2" checked' in page.text  # the filter is shown as chosen
    assert 'name="company" value="Acme" checked' in page.text
    # htmx asks for the results only
    fragment = client.get(
        "/search?q=engineer", headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert fragment.text.lstrip().startswith('<section id="results"')
    assert "Dora Ruiz" in fragment.text
    # an empty search asks for words; a bad filter reads like the API's sentence
    assert "Type a name or keywords" in client.get("/search").text
    kith.settings = kith.settings.model_copy(update={"page_size": 1})
    paged = client.get("/search?q=engineer&network=1&network=2&network=3&page=2")
    assert "Page 2 of 3" in paged.text
    assert (
        'href="/search?q=engineer&amp;network=1&amp;network=2&amp;network=3&amp;page=3" '
        'hx-boost="true" hx-target="#results"' in paged.text
    )
    bad = client.get("/search?network=7")
    assert bad.status_code == 422
    assert "The network filter takes 1 (1st), 2 (2nd) and 3 (3rd and beyond)." in bad.text
    names = client.get("/search/typeahead?q=ana")
    assert "Ana Ruiz" in names.text
    assert f'href="/in/{people["ana"].handle}"' in names.text


def test_connect_in_place_from_results_and_suggestions(
    client: TestClient, kith: Kith, ctx: Ctx, people: dict[str, Member]
) -> None:
    vera, ben, dora = people["vera"], people["ben"], people["dora"]
    sign_in_as(client, ctx, vera)
    page = client.get("/search?q=engineer")
    assert f'hx-get="/in/{dora.handle}/connect?place=list"' in page.text  # the dialog
    dialog = client.get(f"/in/{dora.handle}/connect?place=list", headers={"HX-Request": "true"})
    assert f'hx-post="/people/{dora.handle}/connect"' in dialog.text
    done = post(client, kith, f"/people/{dora.handle}/connect", headers={"HX-Request": "true"})
    assert done.status_code == 200
    assert "Pending" in done.text
    assert "Invitation sent to Dora Ruiz" in done.text
    sent = ctx.session.query(Invitation).filter_by(sender_id=vera.id, recipient_id=dora.id).one()
    assert sent.status == "pending"
    again = post(client, kith, f"/people/{dora.handle}/connect", headers={"HX-Request": "true"})
    assert again.status_code == 409  # the invitation service's own refusal, as an alert
    assert "still pending" in again.text
    # My Network loads the panel; the page lists Ben with his reason
    assert 'hx-get="/suggestions?panel=1"' in client.get("/mynetwork").text
    panel = client.get("/suggestions?panel=1")
    assert "Ben Okafor" in panel.text
    assert "1 shared connection, including Ana Ruiz" in panel.text
    assert "Dora Ruiz" not in panel.text  # pending now
    full = client.get("/suggestions")
    assert "People you may know" in full.text
    assert "Ben Okafor" in full.text
    gone = post(client, kith, f"/suggestions/{ben.handle}/dismiss", headers={"HX-Request": "true"})
    assert gone.status_code == 200
    assert gone.text == ""
    seen = ctx.session.get(SuggestionSeen, {"viewer_id": vera.id, "member_id": ben.id})
    assert seen is not None
    assert seen.dismissed_at is not None
    assert "Ben Okafor" not in client.get("/suggestions").text
    # without htmx: back where the form was
    plain = post(
        client,
        kith,
        f"/people/{ben.handle}/connect",
        headers={"referer": "http://testserver/search?q=ben"},
    )
    assert plain.status_code == 303
    assert plain.headers["location"] == "/search?q=ben"


def test_query_counts_do_not_grow_with_results(client: TestClient, kith: Kith, ctx: Ctx) -> None:
    """A page of 3 results and a page of 20 cost the same number of queries."""
    viewer = make_member(ctx, "Vera", "Viewer")
    friend = make_member(ctx, "Fred", "Friend")
    connect(ctx, viewer, friend)
    counts = {}
    for size, industry in ((3, "Energy"), (20, "Healthcare")):
        for i in range(size):
            member = make_member(ctx, f"P{i}", "Person")
            connect(ctx, friend, member)
            profile(ctx, member, industry=industry, positions=[("Acme", "Nurse", 2020, 1)])
        synced(kith)
        sign_in_as(client, ctx, viewer)
        with count_statements(kith) as statements:
            page = client.get(f"/search?industry={industry}")
        assert page.text.count('class="avatar sm"') == size
        search_queries = len(statements)
        with count_statements(kith) as statements:
            client.get("/suggestions")
        counts[size] = (search_queries, len(statements))
    assert counts[3] == counts[20], counts


def test_connections_of_takes_a_name(
    client: TestClient, kith: Kith, ctx: Ctx, people: dict[str, Member]
) -> None:
    """One member of that name is used; several are offered; nobody is said so, on the
    page (never an error page) and over the API (a code)."""
    vera, ana, ben, dora = people["vera"], people["ana"], people["ben"], people["dora"]
    make_member(ctx, "Ana", "Ruizova")  # "Ana Ruiz" is exactly Ana's name, a beginning of hers
    synced(kith)
    with kith.uow(write=False) as c:
        me = c.session.get(Member, vera.id)
        assert me is not None
        assert connections_owner(c, me, ana.handle).id == ana.id
        assert connections_owner(c, me, "ana ruiz").id == ana.id  # exact beats a beginning
        assert connections_owner(c, me, "Dor").id == dora.id  # the one name that begins so
        several = refusal("ambiguous_member", connections_owner, c, me, "Ruiz")
        assert isinstance(several, AmbiguousMember)
        assert several.choices[0][0].id == ana.id  # nearest first
        assert {m.handle for m, _b in several.choices} >= {ana.handle, dora.handle}
        refusal("member_not_found", connections_owner, c, me, "Zelda Nobody")

    headers = bearer(ctx, vera)
    body = client.get(
        "/api/v1/search/people", params={"connections_of": "Ana Ruiz"}, headers=headers
    ).json()
    assert [i["member"]["handle"] for i in body["items"]] == [ben.handle]
    answer = refused(
        client.get("/api/v1/search/people", params={"connections_of": "ruiz"}, headers=headers),
        422,
        "ambiguous_member",
    )
    assert ana.handle in answer["detail"]
    assert dora.handle in answer["detail"]
    refused(
        client.get("/api/v1/search/people", params={"connections_of": "zelda"}, headers=headers),
        404,
        "member_not_found",
    )

    sign_in_as(client, ctx, vera)
    # a name that fits one member: the address gets their handle
    one = client.get("/search?connections_of=Ana+Ruiz", follow_redirects=False)
    assert one.status_code == 303
    assert one.headers["location"] == f"/search?connections_of={ana.handle}"
    page = client.get(one.headers["location"])
    assert "among Ana Ruiz’s connections" in page.text
    assert "Ben Okafor" in page.text
    assert 'value="Ana Ruiz"' in page.text  # the field shows her name, and holds her handle
    assert f'data-value="{ana.handle}"' in page.text
    pushed = client.get(
        "/search?connections_of=Ana+Ruiz", headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert pushed.headers["HX-Push-Url"] == f"/search?connections_of={ana.handle}"
    # several: "Which one?" with each as a link that keeps the other filters
    which = client.get("/search?connections_of=Ruiz&q=engineer")
    assert which.status_code == 200
    assert "Which one?" in which.text
    assert f'href="/search?q=engineer&amp;connections_of={ana.handle}"' in which.text
    assert f'href="/search?q=engineer&amp;connections_of={dora.handle}"' in which.text
    # nobody: said on the search page
    nobody = client.get("/search?connections_of=Zelda")
    assert nobody.status_code == 200
    assert "No member you can find is called &#39;Zelda&#39;." in nobody.text
    assert 'id="search-form"' in nobody.text
    private = client.get(f"/search?connections_of={ben.handle}")
    assert private.status_code == 200
    assert "Ben Okafor keeps their connections private." in private.text


def test_search_address_drops_empty_fields_and_later_pages_read_right(
    client: TestClient, kith: Kith, ctx: Ctx, people: dict[str, Member]
) -> None:
    sign_in_as(client, ctx, people["vera"])
    # a form sent as it is, empty fields and all: the address keeps what says something
    asked = (
        "/search?q=engineer&network=2&first_name=&last_name=&title=&company=&past_company="
        "&school=&location=&industry=&connections_of=&page=1"
    )
    plain = client.get(asked, follow_redirects=False)
    assert plain.status_code == 303
    assert plain.headers["location"] == "/search?q=engineer&network=2"
    canonical = client.get("/search?network=2&q=engineer", follow_redirects=False)
    assert canonical.status_code == 200  # the order of the fields does not matter
    htmx = client.get(asked, headers={"HX-Request": "true", "HX-Target": "results"})
    assert htmx.status_code == 200
    assert htmx.headers["HX-Push-Url"] == "/search?q=engineer&network=2"
    assert 'data-active-filters="1"' in htmx.text
    assert 'id="chosen-company" class="chosen" hx-swap-oob="true"' in htmx.text
    ticked = client.get("/search?q=engineer&industry=Technology&company=Acme")
    assert 'id="chosen-industry" class="chosen"><small>Chosen: Technology</small>' in ticked.text
    assert "Any</option>" not in ticked.text
    assert "data-filter-count >2</span>" in ticked.text  # on the Filters button
    # past the last page: "No more results", not "Nobody matches"
    kith.settings = kith.settings.model_copy(update={"page_size": 1})
    past = client.get("/search?q=engineer&page=9")
    assert "No more results: the list ends on page 3." in past.text
    assert "Nobody matches" not in past.text
    assert 'href="/search?q=engineer&amp;page=1"' in past.text
    assert "Nobody matches" in client.get("/search?q=zzzzqx").text
