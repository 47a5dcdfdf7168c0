"""An organisation's name in a French sentence: the article elided before a vowel or a mute h,
and "de" contracted with it ("du", "des"), from the name and its article."""

from __future__ import annotations

import pytest

from crm.orgs.grammar import of, with_article


@pytest.mark.parametrize(("name", "article", "alone", "after_de"), [
    ("Agence Économique Régionale de Bourgogne-Franche-Comté", "la",
     "l’Agence Économique Régionale de Bourgogne-Franche-Comté",
     "de l’Agence Économique Régionale de Bourgogne-Franche-Comté"),
    ("Région Bourgogne-Franche-Comté", "la", "la Région Bourgogne-Franche-Comté",
     "de la Région Bourgogne-Franche-Comté"),
    ("Préfecture de la région Bourgogne-Franche-Comté", "la",
     "la Préfecture de la région Bourgogne-Franche-Comté",
     "de la Préfecture de la région Bourgogne-Franche-Comté"),
    ("Conseil départemental du Doubs", "le", "le Conseil départemental du Doubs",
     "du Conseil départemental du Doubs"),
    ("Établissement public foncier", "le", "l’Établissement public foncier",
     "de l’Établissement public foncier"),
    ("Hôtel de Région", "le", "l’Hôtel de Région", "de l’Hôtel de Région"),
    ("Chambres de commerce", "les", "les Chambres de commerce", "des Chambres de commerce"),
    ("Dijon Métropole", "", "Dijon Métropole", "de Dijon Métropole"),
    ("Orléans Métropole", "", "Orléans Métropole", "d’Orléans Métropole"),
])
def test_names_take_their_article_and_de(name, article, alone, after_de):
    assert with_article(name, article) == alone
    assert of(name, article) == after_de
