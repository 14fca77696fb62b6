"""The reader backend of mimcm_smartcard_info, against the in-process fake API."""


import pytest

from ansible_collections.mim.cm.plugins.module_utils import mimcm_errors as errors
from ansible_collections.mim.cm.plugins.module_utils.mimcm_reader import SmartcardReader

from mimcm_fakes import Fault, make_client


def test_reader_by_uuid_and_card_id_in_input_order(cm, client):
    serial = 'bc88f13f-83ba-4037-8262-46eba1291c6e'
    a = cm.add_card()
    b = cm.add_card(serial=serial)
    missing = '00000000-0000-0000-0000-0000000000aa'
    cards, gone = SmartcardReader(client, include_operations=True).read(uuids=[a, missing], card_ids=[serial])
    assert [c['uuid'] for c in cards] == [a, b] and gone == [missing]
    assert cards[1]['query'] == serial and cards[1]['card_id'] == serial
    assert cards[0]['operations'] == ['OnlineUpdate', 'Renew', 'Recover', 'Retire', 'Revoke', 'Unblock']


def test_reader_own_cards(cm, client):
    uid = cm.add_card()
    cm.cards[uid]['Comment'] = 'mine'
    cards, gone = SmartcardReader(client).read()
    assert [c['uuid'] for c in cards] == [uid] and gone == [] and 'operations' not in cards[0]


def test_reader_errors_are_raised_with_count(cm):
    client = make_client(cm, retries=0)
    a, b = cm.add_card(), cm.add_card()
    cm.faults.append(Fault('GET', '/smartcards/', 403, times=2))
    with pytest.raises(errors.Forbidden) as exc:
        SmartcardReader(client).read(uuids=[a, b])
    assert 'and 1 more cards failed' in str(exc.value)


TEMPLATES = [{'Name': 'Smart Card Logon', 'Uuid': 'A039B4D0-5CE8-4EFF-8651-181C6576FDA3', 'Description': 'd'}]


def test_templates_listing_reuses_a_pool_connection(cm, client):
    """The listing is one more item of the cards' worker pool: a module call opens at most ``concurrency``
    connections (each an NTLM or Kerberos handshake), also with include_profile_templates (issue 15)."""
    cards = [cm.add_card() for dummy in range(12)]
    cm.faults.append(Fault('GET', '/profiletemplates$', 200, body=TEMPLATES))
    reader = SmartcardReader(client, concurrency=3, processes=1)
    found, gone, (templates, error) = reader.read_with_templates(uuids=cards)
    assert [c['uuid'] for c in found] == cards and gone == [] and error is None
    assert templates and all(set(t) == {'uuid', 'name', 'description'} for t in templates)
    assert client.session_count <= 3
    assert sum(1 for call in cm.calls if call[1].endswith('/profiletemplates')) == 1


def test_templates_listing_refused_still_reads_the_cards(cm):
    client = make_client(cm, retries=0)
    cards = [cm.add_card() for dummy in range(3)]
    cm.faults.append(Fault('GET', '/profiletemplates', 403))
    found, gone, (templates, error) = SmartcardReader(client, concurrency=2).read_with_templates(uuids=cards)
    assert [c['uuid'] for c in found] == cards and templates == [] and 'forbidden (HTTP 403)' in error


def test_templates_listing_over_two_processes_and_the_progress_counts_cards_only():
    from ansible_collections.mim.cm.plugins.module_utils.mimcm_reader import read_outcome
    from mimcm_fakes import FakeCM

    class Counts(object):
        def __init__(self):
            self.seen, self.total = [], None

        def begin(self, total):
            self.total = total
            return self

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def add(self, result):
            outcome = read_outcome(result)
            if outcome is not None:
                self.seen.append(outcome)

    cm = FakeCM()
    client = make_client(cm)
    cards = [cm.add_card() for dummy in range(10)]
    cm.faults.append(Fault('GET', '/profiletemplates$', 200, body=TEMPLATES))
    unknown = '0b0b0b0b-0000-4000-8000-000000000000'
    progress = Counts()
    found, gone, (templates, error) = SmartcardReader(client, concurrency=4, processes=2, progress=progress) \
        .read_with_templates(uuids=cards + [unknown])
    assert [c['uuid'] for c in found] == cards and gone == [unknown] and templates and error is None
    assert progress.total == 11 and sorted(progress.seen) == ['found'] * 10 + ['not found']


def test_templates_listing_without_ids_lists_after_the_own_cards(cm, client):
    uid = cm.add_card()
    cm.cards[uid]['Comment'] = 'mine'
    cm.faults.append(Fault('GET', '/profiletemplates$', 200, body=TEMPLATES))
    found, gone, (templates, error) = SmartcardReader(client).read_with_templates()
    assert [c['uuid'] for c in found] == [uid] and gone == [] and templates and error is None
