"""Test data of the controller-side tests (plugin_utils and filters): card ids, info module
cards, the mixed plan every plan / drift / summary / report test starts from, and an HTML
checker. Importable from every test directory (tests/unit/conftest.py)."""

import uuid as uuidlib
from html.parser import HTMLParser

U1 = "17cf063d-e337-4aa9-a822-346554ddd3c9"
U2 = "438d1b30-0000-4000-8000-000000000002"
U3 = "0c96d73f-967b-420e-854a-43ad2a1504bc"
C1 = "bc88f13f-83ba-4037-8262-46eba1291c6e"


def card(uuid, status_name, status=None, ops=("Retire", "Revoke"), card_id=None, query=None,
         template="a039b4d0-5ce8-4eff-8651-181c6576fda3"):
    codes = {"New": 1, "Assigned": 2, "Active": 3, "Suspended": 4, "Disabled": 5, "Retired": 6}
    return {"uuid": uuid, "status": codes.get(status_name, status), "status_name": status_name,
            "card_id": card_id or str(uuidlib.uuid5(uuidlib.NAMESPACE_OID, uuid)),
            "query": query or uuid, "operations": list(ops), "profile_template_uuid": template}


MIXED_IDS = [U1, U2, U3, "{%s}" % C1]


def mixed_info():
    """The info results of MIXED_IDS: by uuid, then by card id."""
    first = {"smartcards": [card(U1, "Active"), card(U2, "Retired", ops=())], "missing": [U3]}
    second = {"smartcards": [card("99999999-0000-4000-8000-000000000009", "Active", ops=("Renew",),
                                  card_id=C1, query=C1)], "missing": [U3]}
    return [first, second]


def mixed_plan_maker(card_inputs, lifecycle_plan):
    """mixed_plan(target, ticket) built with the given card_inputs and lifecycle_plan (a filter or
    the plugin_utils function): U1 changes, U2 is already Retired, U3 is missing, C1 may not be retired."""
    def mixed_plan(target="Retired", ticket="CHG1"):
        return lifecycle_plan(card_inputs(MIXED_IDS), mixed_info(), target, ticket)
    return mixed_plan


class HtmlChecker(HTMLParser):
    """Checks that tags nest and close, and collects text and external references."""

    VOID = {"meta", "br", "img", "input", "link", "hr", "line", "rect"}

    def __init__(self):
        super().__init__()
        self.stack = []
        self.text = []
        self.external = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.external.append(value)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)
