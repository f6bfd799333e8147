import pytest

from nir_cli.domain.municipalities import MunicipalityError, all_municipalities, lookup, search


def test_the_bundled_list_has_357_municipalities_with_text_codes() -> None:
    table = all_municipalities()
    assert len(table) == 357
    assert table["0301"].name == "Oslo"
    assert all(len(code) == 4 and code.isdigit() for code in table)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("3001", "3101 Halden since 1 Jan 2024"),
        ("1507", "split on 1 Jan 2024 into 1508 Ålesund or 1580 Haram"),
        ("5002", "close matches: 5001 Trondheim"),
        ("301", "did you mean 0301 Oslo"),
        ("Trondheim", "5001 Trondheim"),
        ("9999", "unknown"),
        ("50011", "4 digits"),
    ],
)
def test_bad_codes_say_what_to_use(code: str, message: str) -> None:
    with pytest.raises(MunicipalityError, match=message):
        lookup(code)


def test_search_matches_other_official_names_without_accents() -> None:
    assert [m.code for m in search("Traante")] == ["5001"]
