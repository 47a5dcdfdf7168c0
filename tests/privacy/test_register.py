"""The record of processing is drawn from the configuration and the bodies' notices."""

from __future__ import annotations

from crm.settings import override


def test_the_register_follows_the_settings_and_the_notices(app, client, login_as, make_contact):
    login_as("admin", "Région BFC")
    make_contact("ROBIN", org="Région BFC")
    client.post_form("/privacy/notice/edit", {
        "legal_basis": "public_task", "controller": "Région, 4 square Castan",
        "dpo_contact": "dpo@region.test", "purpose": "Relations presse de la Région",
        "source": "Communiqués", "retention": "Trois ans", "rights": "Écrire au DPO",
        "complaint": "CNIL", "version": "0"})
    page = client.get("/privacy/register")
    assert page.status_code == 200
    text = page.text
    for expected in ("Relations presse de la Région", "dpo@region.test", "Mission d'intérêt public",
                     "Intérêt légitime", "36 mois", "365 jours", "30 jours",
                     "notice : textes par défaut de la configuration", "argon2id"):
        assert expected in text, expected
    assert "privacy-doc" in text  # the print style sheet applies to it
    assert "exigée pour aucun rôle" in text  # the tests turn two-step verification off
    override(app, RETENTION_MONTHS=24, AUDIT_RETENTION_DAYS=180, MFA_REQUIRED_ROLES=["manager"])
    text = client.get("/privacy/register").text
    assert "24 mois" in text and "180 jours" in text
    assert "Vérification en deux étapes exigée pour : " in text


def test_the_print_style_sheet_hides_the_navigation():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "relais.css").read_text()
    rules = css.partition("@media print")[2]
    assert "header" in rules and ".d-print-none" in rules
