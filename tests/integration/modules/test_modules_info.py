"""mimcm_smartcard_info through ansible-playbook against the simulator (HTTPS + NTLM, its CA)."""

from mimcm_modules_helpers import connection

MISSING = '00000000-0000-4000-8000-00000000dead'


def test_info_by_uuid_card_id_own_cards_missing_and_check_mode(msim, take, play):
    a, b, c = take(n=3)
    serial_c = c['SerialNumber'].strip('{}')
    jdoe = msim.users['jdoe']
    own = sorted(card['Uuid'].lower() for card in msim.cards(owner=jdoe['uuid']))
    info = 'mim.cm.mimcm_smartcard_info'
    run = play([
        {'name': 'by uuid (a list, braces and case ignored) with operations', info: {
            'uuid': [a['Uuid'], '{%s}' % b['Uuid'].upper(), MISSING], 'include_operations': True},
         'register': 'by_uuid'},
        {'name': 'by card id', info: {'card_id': ['{%s}' % serial_c.upper()]}, 'register': 'by_card_id'},
        {'name': 'own cards (jdoe)', info: {'username': jdoe['username'], 'password': jdoe['password']},
         'register': 'own'},
        {'name': 'only missing', info: {'uuid': MISSING, 'card_id': [MISSING]}, 'register': 'missing'},
        {'name': 'check mode', info: {'uuid': [a['Uuid']]}, 'check_mode': True, 'register': 'checked'},
    ], defaults=connection(msim))
    assert run.rc == 0, run

    r = run['by_uuid']
    assert not r['failed'] and not r['changed']
    assert [card['uuid'] for card in r['smartcards']] == [a['Uuid'].lower(), b['Uuid'].lower()]
    assert r['missing'] == [MISSING]
    first = r['smartcards'][0]
    assert first['status'] == 3 and first['status_name'] == 'Active'
    assert first['card_id'] == a['SerialNumber'].strip('{}').lower() and first['serial_number'] == a['SerialNumber']
    assert first['query'] == a['Uuid'].lower()
    assert 'Retire' in first['operations'] and 'Revoke' in first['operations']
    for key in ('flags', 'parent_smartcard_uuid', 'primary_smartcard_uuid', 'permanent_smartcard_uuid',
                'assigned_user_uuid', 'profile_template_uuid', 'profile_template_version', 'comment',
                'middleware', 'atr'):
        assert key in first

    r = run['by_card_id']
    assert [card['uuid'] for card in r['smartcards']] == [c['Uuid'].lower()] and r['missing'] == []
    assert r['smartcards'][0]['card_id'] == serial_c.lower() and 'operations' not in r['smartcards'][0]

    r = run['own']
    assert not r['failed'] and own, 'the simulator gives jdoe cards'
    assert sorted(card['uuid'] for card in r['smartcards']) == own

    r = run['missing']
    assert not r['failed'] and r['smartcards'] == [] and r['missing'] == [MISSING, MISSING]

    r = run['checked']
    assert not r['failed'] and not r.get('skipped') and len(r['smartcards']) == 1
