"""The weekly chart counts my organisation's live interactions, per local week and kind."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from crm.dashboard.services import weekly_chart
from crm.extensions import db
from crm.interactions.models import InteractionKind
from tests.contacts.conftest import user

PARIS = ZoneInfo("Europe/Paris")


def test_weekly_chart_counts_per_local_week_and_kind(app, make_user, make_contact,
                                                     make_interaction):
    me, other = make_user("officer", "AER BFC"), make_user("officer", "Région BFC")
    contact = make_contact()
    # Monday 23 November 2026, 00:30 in Paris is still Sunday 22 in UTC: it belongs to the
    # last week of the chart, not the one before.
    make_interaction(me.id, [contact], happened_at=dt.datetime(2026, 11, 22, 23, 30,
                                                               tzinfo=dt.UTC))
    make_interaction(me.id, [contact], kind=InteractionKind.COVERAGE,
                     happened_at=dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC))
    make_interaction(other.id, [contact], happened_at=dt.datetime(2026, 11, 24, tzinfo=dt.UTC))
    with app.app_context():
        chart = weekly_chart(user(me.id), dt.date(2026, 11, 27), PARIS, weeks=2)
        assert chart.weeks == [dt.date(2026, 11, 16), dt.date(2026, 11, 23)]
        assert chart.series == {InteractionKind.CALL: [0, 1], InteractionKind.COVERAGE: [1, 0]}
        db.session.rollback()


def test_dashboard_shows_the_chart_data_and_its_table(client, login_as, make_contact,
                                                      make_interaction):
    me = login_as("officer")
    make_interaction(me.id, [make_contact()], subject="Visible sur l'accueil",
                     happened_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    page = client.get("/").text
    assert "data-chart=" in page and "chart.umd.min.js" in page
    assert "<script>" not in page  # the CSP forbids inline scripts
    assert "Visible sur l&#39;accueil" in page
    assert "Interactions de mon organisme par semaine" in page
