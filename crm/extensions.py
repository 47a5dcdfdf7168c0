"""Bare extension singletons, bound to an application in ``create_app``."""

from typing import TYPE_CHECKING, ClassVar

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

from crm.i18n import CatalogueBabel
from crm.migration_hooks import is_modelled

# Named constraints keep Alembic batch mode (SQLite) and PostgreSQL in step.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    if TYPE_CHECKING:  # every model maps one table (none maps a join or a select)
        __table__: ClassVar[Table]


db = SQLAlchemy(model_class=Base)

# Flask-SQLAlchemy builds ``db.Model`` at run time from ``Base``'s body (plus its bind and
# table-name mixins), so a type checker cannot use it as a base class. Models subclass
# ``Model``: ``db.Model`` when running, ``Base`` (the same declarative API) for the checker.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate(render_as_batch=True, compare_type=True, include_object=is_modelled)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = CatalogueBabel()
