"""Connection handling through ansible-playbook: environment variables, module_defaults for the
action group, secrets in -vvvv output, plain http refused unless opted in."""

import json

from mimcm_modules_helpers import connection


def test_environment_module_defaults_and_no_secret_in_vvvv(msim, take, play):
    env_card, group_card = take(), take()
    op = msim.users['operator']
    environment = {'MIMCM_URL': msim.url, 'MIMCM_USERNAME': op['username'], 'MIMCM_PASSWORD': op['password'],
                   'MIMCM_CA_PATH': msim.ca_path, 'MIMCM_TIMEOUT': '20', 'MIMCM_RETRIES': '2'}
    # Set on the ansible-playbook process, the way an AWX credential injects them. (The task keyword
    # `environment:` would work too, but Ansible itself prints those values in its -vvvv EXEC line.)
    env_play = {'name': 'connection from MIMCM_* environment variables only', 'hosts': 'localhost',
                'gather_facts': False, 'tasks': [
                    {'name': 'info from env', 'mim.cm.mimcm_smartcard_info': {'uuid': [env_card['Uuid']]},
                     'register': 'env_info'},
                    {'name': 'status from env', 'mim.cm.mimcm_smartcard_status': {
                        'uuid': env_card['Uuid'], 'status': 'Retired', 'comment': 'CHG-ENV'},
                     'register': 'env_status'},
                    {'name': 'keep them', 'ansible.builtin.set_fact': {
                        'env_info_out': '{{ env_info }}', 'env_status_out': '{{ env_status }}'}},
                ]}
    run = play([
        {'name': 'group module_defaults: info', 'mim.cm.mimcm_smartcard_info': {'uuid': [group_card['Uuid']]},
         'register': 'group_info'},
        {'name': 'group module_defaults: status', 'mim.cm.mimcm_smartcard_status': {
            'uuid': group_card['Uuid'], 'status': 'Retired'}, 'register': 'group_status'},
        {'name': 'a failure with the password in play', 'mim.cm.mimcm_smartcard_status': {
            'uuid': group_card['Uuid'], 'status': 'Active', 'url': msim.url + '/nowhere', 'api_path': '/x'},
         'register': 'failing'},
        {'name': 'env results', 'ansible.builtin.set_fact': {'env_info': '{{ env_info_out }}',
                                                             'env_status': '{{ env_status_out }}'},
         'register': 'unused'},
    ], defaults=connection(msim), plays_before=[env_play], args=['-vvvv'], env=environment)
    assert run.rc == 0, run

    assert run['group_info']['smartcards'][0]['uuid'] == group_card['Uuid'].lower()
    assert run['group_status']['results'][0]['state'] == 'changed'
    assert msim.card(group_card['Uuid'])['Status'] == 6
    assert run['failing']['failed'] and 'HTTP 404' in run['failing']['results'][0]['msg']

    facts = run['unused']['ansible_facts']
    assert facts['env_info']['smartcards'][0]['uuid'] == env_card['Uuid'].lower()
    assert facts['env_status']['results'][0]['state'] == 'changed'
    assert msim.card(env_card['Uuid'])['Status'] == 6

    password = op['password']
    assert password not in run.stdout and password not in run.stderr
    assert password not in json.dumps(run.results)
    assert 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in run.stdout  # -vvvv shows the invocation, masked


def test_plain_http_refused_then_accepted_with_opt_in(simulator_factory, play):
    sim = simulator_factory(plain_http=True, cards=20)
    assert sim.url.startswith('http://')
    card = sim.cards(status=3, approval_required=False, restricted=False, limit=1)[0]
    info = 'mim.cm.mimcm_smartcard_info'
    run = play([
        {'name': 'refused', info: {'uuid': [card['Uuid']]}, 'register': 'refused'},
        {'name': 'opt-in', info: {'uuid': [card['Uuid']], 'allow_insecure_http': True}, 'register': 'accepted'},
        {'name': 'opt-in from the environment', info: {'uuid': [card['Uuid']]}, 'register': 'accepted_env',
         'environment': {'MIMCM_ALLOW_INSECURE_HTTP': 'true'}},
    ], defaults=connection(sim))
    assert run.rc == 0, run
    r = run['refused']
    assert r['failed'] and 'refusing to send ntlm credentials over plain http' in r['msg']
    assert 'allow_insecure_http' in r['msg']
    for name in ('accepted', 'accepted_env'):
        r = run[name]
        assert not r['failed'] and r['smartcards'][0]['uuid'] == card['Uuid'].lower()
        assert any('plain http' in w for w in r.get('warnings', []))
    assert sim.stats()['auth_failures'] == 0
