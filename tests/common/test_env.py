from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from newstart.common.env import env_bool, env_int, env_list, env_str


def test_defaults_when_unset():
    assert env_str("X", "d", environ={}) == "d"
    assert env_bool("X", True, environ={}) is True
    assert env_int("X", 7, environ={}) == 7
    assert env_list("X", ["a"], environ={}) == ["a"]


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False)])
def test_bool_values(raw, expected):
    assert env_bool("FLAG", not expected, environ={"FLAG": raw}) is expected


def test_bad_bool_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG", False, environ={"FLAG": "maybe"})


def test_int_bounds_and_errors():
    assert env_int("N", 1, environ={"N": " 42 "}) == 42
    with pytest.raises(ImproperlyConfigured, match="N='abc' is not a whole number"):
        env_int("N", 1, environ={"N": "abc"})
    with pytest.raises(ImproperlyConfigured, match="below the minimum"):
        env_int("N", 1, minimum=1, environ={"N": "0"})
    with pytest.raises(ImproperlyConfigured, match="above the maximum"):
        env_int("N", 1, maximum=5, environ={"N": "6"})


def test_list_drops_blanks():
    assert env_list("L", [], environ={"L": "a, b,,c "}) == ["a", "b", "c"]
