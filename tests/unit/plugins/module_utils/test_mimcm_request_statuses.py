"""The request status integers of the server as its own name filter classifies them."""

from ansible_collections.mim.cm.plugins.module_utils.mimcm_request_statuses import RequestStatusBook, status_code


def test_integers_are_learned_from_the_name_filter_not_from_the_table():
    book = RequestStatusBook()
    assert book.certain(16) is None and book.label(16) == 'Pending'  # the table only labels
    book.learn('Pending', [{'Status': 1}, {'Status': '1'}])  # a server with the old sequential numbering
    assert book.certain(1) == 'Pending' and book.label(1) == 'Pending'
    assert book.certain(4) is None and book.label(4) == 'Denied'  # SQL Denied; on this server unknown yet
    book.learn('Executing', [{'Status': 4}])
    assert book.certain(4) == 'Executing' and book.learned() == {'Pending': [1], 'Executing': [4]}


def test_a_contradiction_makes_the_integer_uncertain():
    book = RequestStatusBook()
    book.learn('Approved', [{'Status': 3}])
    book.learn('Pending', [{'Status': 3}])
    assert book.certain(3) is None and book.conflicts() == {3: ['Approved', 'Pending']}
    assert 'Approved' not in book.learned()


def test_a_configured_numbering_is_trusted_and_wins():
    book = RequestStatusBook({'Pending': 1, 'Approved': 3})
    assert book.certain(1) == 'Pending'
    book.learn('Executing', [{'Status': 1}])
    assert book.certain(1) == 'Pending' and book.conflicts() == {}


def test_merging_what_workers_learned_and_odd_values():
    book = RequestStatusBook()
    book.merge({'Approved': [3], 'Completed': [8]})
    assert book.learned() == {'Approved': [3], 'Completed': [8]}
    assert status_code(True) is None and status_code('x') is None and status_code(' 18 ') == 18
    assert book.label(99) == 'Unknown(99)'
    book.learn('Pending', ['not a request', {'Status': None}])
    assert 'Pending' not in book.learned()
