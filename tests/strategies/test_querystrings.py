"""The canonical query string of a GET form: empty values and dropped parameters left out."""

from django.http import QueryDict

from strategies.querystrings import clean_query


def test_clean_query_leaves_out_empty_and_dropped_parameters_in_their_order():
    params = QueryDict("q=caf%C3%A9+du+village&axis=&mark=ok&page=2&domain=%20&lead=A&lead=")
    assert clean_query(params, drop={"page"}) == "q=caf%C3%A9+du+village&mark=ok&lead=A"


def test_clean_query_of_nothing_but_empty_fields_is_empty():
    assert clean_query(QueryDict("axis=&domain=&late=")) == ""
