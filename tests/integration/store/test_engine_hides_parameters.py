"""Issue 15, finding 6: a database error never quotes its statement's values (names, numbers)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa

HOSPITAL = "HN-ZQENGINE-1"


@pytest.mark.parametrize("name", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_failing_statement_names_no_parameter_value(
    name: str, engine_for: Callable[[str], sa.Engine]
) -> None:
    engine = engine_for(name)
    with pytest.raises(sa.exc.DBAPIError) as failure, engine.connect() as connection:
        connection.execute(sa.text("SELECT * FROM no_such_table WHERE x = :x"), {"x": HOSPITAL})
    assert HOSPITAL not in str(failure.value)
