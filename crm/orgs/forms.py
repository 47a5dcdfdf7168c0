from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class OrganisationForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    short_name = StringField(_l("Short name"), validators=[DataRequired(), Length(max=40)],
                             description=_l("Used in lists and signatures, e.g. “AER BFC”."))
    article = SelectField(
        _l("Article in a sentence"), validators=[Optional()],
        choices=[SelectChoice("la", "la (la Région, l’Agence)"),
                 SelectChoice("le", "le (le Conseil, l’Établissement)"),
                 SelectChoice("les", "les (les Chambres)"),
                 SelectChoice("", _l("none (Dijon Métropole)"))],
        description=_l("How French sentences name it: “the messages of the Région” is written "
                       "“de la Région”, “de l’Agence”, “du Conseil”."))
    aliases = TextAreaField(
        _l("Other names"), validators=[Optional(), Length(max=2000)],
        description=_l("One per line: how press releases name the organisation "
                       "(e.g. “Préfecture de Région”)."))

    def alias_list(self) -> list[str]:
        lines = (self.aliases.data or "").splitlines()
        return list(dict.fromkeys(line.strip() for line in lines if line.strip()))
