"""The access matrix: every route of the URL map × every role × objects inside and outside
the actor's subtree. A route missing from RULES fails the test, so a new route must say
who may use it.

World: province Sơn La with district Mai Sơn (IN) and district Mộc Châu (OUT). Actors: anonymous, a
member of a chapter in IN, another member (a chapter in OUT), a secretary and an organiser of IN, an admin.
Every URL parameter is filled with an object from IN ("in") or from OUT ("out"); a route acting on a
member is also tried on WIDE ("wide"): a member of IN whose account is an organiser of the whole
province, so only someone whose rights cover that grant (here: the admin) may act on that person.
Outcomes: ALLOW (served, or a redirect that is not to sign-in; form errors count), DENY (403/404),
LOGIN (sent to sign-in, or 401), GONE (an upload token of someone else: sent back to the upload form).
Run with QUIZAPP_MATRIX_DISCOVER=1 to print what each route does now (to review a new route).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta

import pytest

from quizapp import policy
from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.models import Role
from quizapp.policy import Action
from quizapp.services import uploads
from quizapp.services.attempts import lifecycle as attempts
from quizapp.services.contests import rounds
from tests.conftest import sign_in
from tests.quizkit import open_quiz, right_answers

ACTORS = ("anonymous", "member", "other_member", "secretary", "organiser", "admin")
SCOPES = ("in", "out")
ALLOW, DENY, LOGIN, GONE = "allow", "deny", "login", "gone"
STAFF_GRANTS = {"secretary": Role.SECRETARY, "organiser": Role.ORGANISER}


# --- rules: who may use a route ------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """How a route decides; `expect(actor, scope)` gives the outcome the test demands."""

    kind: str
    action: Action | None = None

    def expect(self, actor: str, scope: str) -> str:
        if self.kind == "public":
            return ALLOW
        if actor == "anonymous":
            return LOGIN
        if self.kind == "signed_in":
            return ALLOW
        if self.kind == "member_only":
            return ALLOW if actor in ("member", "other_member") else DENY
        if self.kind in ("own_attempt", "own_attempt_json", "quiz_audience"):
            owner = "member" if scope == "in" else "other_member"
            return ALLOW if actor == owner else DENY
        may = actor == "admin" or (
            actor in STAFF_GRANTS
            and policy.ROLE_ACTIONS[STAFF_GRANTS[actor]].__contains__(self.action)
        )
        if self.kind == "anywhere":
            return ALLOW if may else DENY
        if self.kind == "scoped":
            return ALLOW if may and (actor == "admin" or scope in ("in", "wide")) else DENY
        if self.kind == "person":
            if scope == "wide":
                return ALLOW if actor == "admin" else DENY
            return ALLOW if may and (actor == "admin" or scope == "in") else DENY
        if self.kind == "owner_token":
            if not may:
                return DENY
            return ALLOW if actor == "organiser" and scope == "in" else GONE
        raise ValueError(self.kind)


PUBLIC = Rule("public")
SIGNED_IN = Rule("signed_in")
MEMBER_ONLY = Rule("member_only")
OWN_ATTEMPT = Rule("own_attempt")
OWN_ATTEMPT_JSON = Rule(
    "own_attempt_json"
)  # JSON: 401 signed out, "not found" for anyone but the owner
QUIZ_AUDIENCE = Rule("quiz_audience")


def anywhere(action: Action) -> Rule:
    """Staff holding `action` on some unit; no object in the URL."""
    return Rule("anywhere", action)


def scoped(action: Action) -> Rule:
    """Staff holding `action` on the unit the URL's object belongs to."""
    return Rule("scoped", action)


def person(action: Action) -> Rule:
    """Acting on a person (their code, password, sign-in): `scoped`, and the actor's rights must
    cover every grant the person's account holds (policy.can_act_on_person)."""
    return Rule("person", action)


def owner_token(action: Action) -> Rule:
    """An upload token: only its uploader sees it; other staff are sent back to the form."""
    return Rule("owner_token", action)


A = Action
RULES: dict[str, Rule] = {
    # public and account pages
    "static": PUBLIC,
    "main.home": PUBLIC,
    "main.health": PUBLIC,
    "main.favicon": PUBLIC,
    "main.set_language": PUBLIC,
    "auth.login": PUBLIC,
    "auth.activate": PUBLIC,
    "auth.logout": PUBLIC,
    "auth.change_password": SIGNED_IN,
    "help.index": PUBLIC,  # the guides hold no data; a member reads theirs before signing in
    "help.guide": PUBLIC,
    "help.member_print": PUBLIC,
    "help.roster_template": PUBLIC,  # headers and one made-up row
    "member.verify": PUBLIC,  # certificate check by code, for anyone holding a certificate
    "member.service_worker": PUBLIC,  # the offline worker: no data of anyone in it
    "member.manifest": PUBLIC,  # the web app manifest
    "results.contest": PUBLIC,  # published contest results: 404 for a round not published, whoever asks
    "results.round_page": PUBLIC,
    # a member's own quizzes and attempts
    "member.home": MEMBER_ONLY,
    "member.history": MEMBER_ONLY,
    "member.start": QUIZ_AUDIENCE,
    "member.attempt": OWN_ATTEMPT,
    "member.save_form": OWN_ATTEMPT,
    "member.save_answer": OWN_ATTEMPT,
    "member.confirm_submit": OWN_ATTEMPT,
    "member.submit": OWN_ATTEMPT,
    "member.result": OWN_ATTEMPT,
    "member.certificate": OWN_ATTEMPT,
    "member.attempt_state": OWN_ATTEMPT_JSON,
    "member.save_position": OWN_ATTEMPT,
    # activation codes and passwords (secretaries and up)
    "accounts.index": anywhere(A.MANAGE_ACCOUNTS),
    "accounts.slips_csv": anywhere(A.MANAGE_ACCOUNTS),  # echoes the slips the page holds; no lookup
    "accounts.member_code": person(A.MANAGE_ACCOUNTS),
    "accounts.unit_codes": scoped(A.MANAGE_ACCOUNTS),
    # the organiser console
    "organiser.index": anywhere(A.MANAGE_ACCOUNTS),  # the console opens for secretaries too
    "organiser.audit_log": anywhere(A.VIEW_AUDIT),
    "organiser.audit_export": anywhere(A.VIEW_AUDIT),
    "organiser.banks": anywhere(A.MANAGE_BANKS),
    "organiser.bank_template": anywhere(A.MANAGE_BANKS),
    "organiser.bank_upload": anywhere(A.MANAGE_BANKS),
    "organiser.bank_preview": owner_token(A.MANAGE_BANKS),
    "organiser.bank_confirm": owner_token(A.MANAGE_BANKS),
    "organiser.bank_detail": scoped(A.MANAGE_BANKS),
    "organiser.bank_compare": scoped(A.MANAGE_BANKS),
    "organiser.bank_version": scoped(A.MANAGE_BANKS),
    "organiser.bank_export": scoped(A.MANAGE_BANKS),
    "organiser.question_detail": scoped(A.MANAGE_BANKS),
    "organiser.members": anywhere(A.MANAGE_ACCOUNTS),  # secretaries look members up to issue codes
    "organiser.member_detail": scoped(A.MANAGE_ACCOUNTS),
    "organiser.member_edit": scoped(A.MANAGE_ROSTER),
    "organiser.member_move": scoped(A.MANAGE_ROSTER),
    "organiser.member_active": person(A.MANAGE_ROSTER),
    "organiser.roster_upload": anywhere(A.MANAGE_ROSTER),
    "organiser.roster_preview": owner_token(A.MANAGE_ROSTER),
    "organiser.roster_apply": owner_token(A.MANAGE_ROSTER),
    "organiser.people": anywhere(A.MANAGE_GRANTS),
    "organiser.grant_add": anywhere(A.MANAGE_GRANTS),  # the unit travels in the form, checked there
    "organiser.grant_revoke": scoped(A.MANAGE_GRANTS),
    "organiser.quizzes": anywhere(A.MANAGE_QUIZZES),
    "organiser.quiz_new": anywhere(A.MANAGE_QUIZZES),
    "organiser.quiz_detail": scoped(A.MANAGE_QUIZZES),
    "organiser.quiz_edit": scoped(A.MANAGE_QUIZZES),
    "organiser.quiz_close": scoped(A.MANAGE_QUIZZES),
    "organiser.quiz_duplicate": scoped(A.MANAGE_QUIZZES),
    "organiser.quiz_preview": scoped(A.MANAGE_QUIZZES),
    "organiser.quiz_regrade": scoped(A.MANAGE_QUIZZES),
    "organiser.quiz_regrade_apply": scoped(A.MANAGE_QUIZZES),
    "organiser.quiz_member": scoped(A.MANAGE_QUIZZES),
    "organiser.quiz_member_lookup": scoped(A.MANAGE_QUIZZES),
    "organiser.quiz_allowance": scoped(A.MANAGE_QUIZZES),
    "organiser.quiz_reopen": scoped(A.MANAGE_QUIZZES),
    "organiser.quiz_ranking": scoped(A.MANAGE_QUIZZES),
    "organiser.quiz_ranking_export": scoped(A.MANAGE_QUIZZES),
    "organiser.round_prizes_export": scoped(A.MANAGE_QUIZZES),
    "organiser.quiz_reminder": scoped(A.MANAGE_QUIZZES),
    "organiser.round_prizes": scoped(A.MANAGE_QUIZZES),
    "organiser.round_prediction": scoped(A.MANAGE_QUIZZES),
    "organiser.round_publish": scoped(A.MANAGE_QUIZZES),
    "organiser.round_unpublish": scoped(A.MANAGE_QUIZZES),
    "organiser.contests": anywhere(A.MANAGE_QUIZZES),
    "organiser.contest_detail": scoped(A.MANAGE_QUIZZES),
    "organiser.contest_new": anywhere(
        A.MANAGE_QUIZZES
    ),  # the audience travels in the form, checked there
    "organiser.contest_add_round": scoped(
        A.MANAGE_QUIZZES
    ),  # the quiz travels in the form, checked there
    "organiser.contest_remove_round": scoped(A.MANAGE_QUIZZES),
    # reports
    "reports.index": anywhere(A.VIEW_REPORTS),
    "reports.overview": scoped(A.VIEW_REPORTS),
    "reports.overview_export": scoped(A.VIEW_REPORTS),
    "reports.quiz_home": scoped(A.VIEW_REPORTS),
    "reports.unit_page": scoped(A.VIEW_REPORTS),
    "reports.unit_export": scoped(A.VIEW_REPORTS),
    "reports.items": scoped(A.MANAGE_QUIZZES),  # item analysis shows the key: organisers only
    "reports.items_export": scoped(A.MANAGE_QUIZZES),
    "reports.reminders": scoped(A.VIEW_REPORTS),
    "reports.reminder_done": scoped(A.VIEW_REPORTS),  # the member must be in the unit's subtree
    "reports.reminder_sheet": scoped(A.VIEW_REPORTS),  # its POST issues codes: MANAGE_ACCOUNTS
    "reports.reminder_code": scoped(A.MANAGE_ACCOUNTS),
    "reports.reminder_codes": scoped(A.MANAGE_ACCOUNTS),
    "reports.contest_units": scoped(A.VIEW_REPORTS),
    "reports.contest_units_export": scoped(A.VIEW_REPORTS),
}


# --- the world -----------------------------------------------------------------------------------


class World:
    """Objects inside (IN = a district) and outside (OUT = another district) every actor's subtree.

    Codes and logins come from the factory's counter, so a test can build a fresh world for an
    actor whose allowed POST may have changed the first one."""

    def __init__(self, make):
        province = make.unit("Tỉnh đoàn Sơn La", "province")
        districts = {
            "in": make.unit("Huyện đoàn Mai Sơn", "district", province),
            "out": make.unit("Huyện đoàn Mộc Châu", "district", province),
        }
        units = {s: make.unit(f"Chi đoàn {s}", "chapter", districts[s]) for s in SCOPES}
        self.units = units
        member_in = make.member(units["in"], "Lò Thị Mai")
        member_out = make.member(units["out"], "Hà Văn Tú")
        self.users = {
            "member": make.user(member=member_in),
            "other_member": make.user(member=member_out),
            "secretary": make.user(grants=[(Role.SECRETARY, districts["in"])]),
            "organiser": make.user(grants=[(Role.ORGANISER, districts["in"])]),
            "admin": make.user(grants=[(Role.ADMIN, None)]),
        }
        org_out = make.user(grants=[(Role.ORGANISER, districts["out"])])
        # Objects that are nobody's identity, so that a POST cannot lock an actor out.
        self.targets = {s: make.member(units[s], f"Đoàn viên đích {s}") for s in SCOPES}
        for s in SCOPES:
            make.user(member=self.targets[s])
        self.targets["wide"] = make.member(units["in"], "Đoàn viên giữ quyền cấp tỉnh")
        make.user(member=self.targets["wide"], grants=[(Role.ORGANISER, province)])
        staff = {s: make.user(grants=[(Role.SECRETARY, units[s])]) for s in SCOPES}
        self.grants = {s: staff[s].grants[0] for s in SCOPES}
        self.versions, self.quizzes = {}, {}
        for s in SCOPES:
            version = make.bank(slug=f"bank-{s}-{units[s].id}")
            version.bank.owner_unit_id = districts[s].id
            self.versions[s] = version
            self.quizzes[s] = open_quiz(
                make, districts[s], version, review_policy="explanations", attempts_allowed=3
            )
        # each quiz is the first round of a contest over its district, its results published
        self.contests = {}
        for s in SCOPES:
            self.contests[s] = rounds.create_contest(f"Cuộc thi {s}", districts[s], now_utc())
            rounds.add_round(
                self.contests[s], self.quizzes[s], "Tuần 1"
            ).results_published_at = now_utc()
        db.session.commit()
        now = now_utc()
        self.attempts = {}
        for s, who in (("in", member_in), ("out", member_out)):
            attempt = attempts.start_attempt(self.quizzes[s], who, now - timedelta(minutes=5))
            for n, (qid, answer) in enumerate(right_answers(attempt).items(), start=1):
                attempts.save_answer(attempt, qid, answer, n, False, now - timedelta(minutes=4))
            attempts.submit_attempt(attempt, now - timedelta(minutes=3))
            self.attempts[s] = attempt
        owners = {"in": self.users["organiser"], "out": org_out}
        self.tokens = {}
        for s in SCOPES:
            self.tokens[("roster", s)] = uploads.save(
                "roster",
                "ds.csv",
                "Mã đoàn viên,Họ và tên\n".encode(),
                owners[s].id,
                now,
                {"unit": units[s].id},
            )
            self.tokens[("bank", s)] = uploads.save(
                "bank",
                "b.yaml",
                b"title: x\n",
                owners[s].id,
                now,
                {"target": "new", "slug": None, "owner": districts[s].id},
            )
        db.session.commit()

    def values(self, endpoint: str, argument: str, scope: str):
        """The object for a URL parameter, from inside or outside the subtree (WIDE: the wide
        member for `member_id`, IN's objects otherwise)."""
        if scope == "wide" and argument != "member_id":
            scope = "in"
        simple = {
            "quiz_id": lambda: self.quizzes[scope].id,
            "unit_id": lambda: self.units[scope].id,
            "member_id": lambda: self.targets[scope].id,
            "attempt_id": lambda: self.attempts[scope].id,
            "bank_id": lambda: self.versions[scope].bank_id,
            "version_id": lambda: self.versions[scope].id,
            "question_id": lambda: self.versions[scope].questions[0].id,
            "grant_id": lambda: self.grants[scope].id,
            "token": lambda: self.tokens[("roster" if "roster" in endpoint else "bank", scope)],
            "code": lambda: "en",
            "fmt": lambda: "csv",
            "table": lambda: "members",
            "filename": lambda: "css/app.css",
            "name": lambda: "member",  # a guide
            "contest_id": lambda: self.contests[scope].id,
            "position": lambda: 1,  # the contest's round
            "round_id": lambda: self.contests[scope].rounds[0].id,
        }
        if argument not in simple:
            raise KeyError(
                f"{endpoint}: no object for URL parameter {argument!r}; teach World.values"
            )
        return simple[argument]()

    def query(self, endpoint: str, scope: str) -> dict:
        """Query-string objects (a member looked up by code)."""
        if endpoint == "organiser.quiz_member_lookup":
            return {"code": self.targets["in" if scope == "wide" else scope].code}
        return {}

    def body(self, endpoint: str, scope: str) -> dict:
        """The request body for routes whose object travels in the body (JSON autosave)."""
        scope = "in" if scope == "wide" else scope
        if endpoint == "member.save_answer":
            attempt = self.attempts[scope]
            return {
                "json": {
                    "attempt": attempt.id,
                    "question": attempt.items[0].question_id,
                    "answer": 0,
                    "seq": 99,
                }
            }
        if endpoint == "member.save_position":
            return {"json": {"position": 1}}
        return {"data": {}}


def outcome(reply) -> str:
    """The class of an answer: ALLOW, DENY, LOGIN or GONE."""
    status, location = reply.status_code, reply.headers.get("Location", "")
    if status == 401 or (status in (301, 302, 303) and "/auth/login" in location):
        return LOGIN
    if status in (403, 404):
        return DENY
    if status in (301, 302, 303) and location.rstrip("/").endswith("/upload"):
        return GONE
    if status >= 500:
        return f"error {status}"
    return ALLOW


# --- the test --------------------------------------------------------------------------------------


def _routes(app) -> list[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((rule.endpoint, method))
    return sorted(found)


def test_every_route_has_a_rule(app):
    missing = sorted({endpoint for endpoint, _ in _routes(app)} - set(RULES))
    assert not missing, (
        "routes without an entry in the access matrix (tests/test_access_matrix.py RULES): "
        + ", ".join(missing)
    )


def _all_routes() -> list[tuple[str, str]]:
    from quizapp import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": True})
    return _routes(app)


ALL_ROUTES = _all_routes()


def _order(actor: str, rule: Rule) -> int:
    # Actors a route refuses go first: an allowed POST may change the world for the next actor.
    return 0 if rule.expect(actor, "in") != ALLOW else 1


CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def _client(app, world: World, actor: str):
    client = app.test_client()
    if actor != "anonymous":
        sign_in(client, world.users[actor])
    return client


@pytest.mark.parametrize("endpoint,method", ALL_ROUTES, ids=[f"{m} {e}" for e, m in ALL_ROUTES])
def test_route_answers_every_role_as_the_matrix_says(app, make, endpoint, method):
    rule = RULES.get(endpoint)
    discover = bool(os.environ.get("QUIZAPP_MATRIX_DISCOVER"))
    if rule is None and not discover:
        pytest.fail(f"{endpoint} has no entry in RULES")
    url_rule = next(
        r for r in app.url_map.iter_rules() if r.endpoint == endpoint and method in r.methods
    )
    world = World(make)
    seen, wrong = {}, []
    actors = sorted(ACTORS, key=lambda a: _order(a, rule)) if rule else ACTORS
    scopes = SCOPES + ("wide",) if "member_id" in url_rule.arguments else SCOPES
    for scope in scopes:
        allowed_ran = False
        for actor in actors:
            expected = rule.expect(actor, scope) if rule else None
            if method in CHANGING and expected == ALLOW:
                if allowed_ran:  # the previous allowed POST may have used up the object
                    world = World(make)
                allowed_ran = True
            url = url_rule.build({a: world.values(endpoint, a, scope) for a in url_rule.arguments})[
                1
            ]
            reply = _client(app, world, actor).open(
                url,
                method=method,
                query_string=world.query(endpoint, scope),
                **world.body(endpoint, scope),
            )
            got = outcome(reply)
            seen[(actor, scope)] = got
            if rule is not None and got != expected:
                wrong.append(
                    f"{actor}/{scope}: expected {expected}, got {got} "
                    f"({reply.status_code} {reply.headers.get('Location', '')})"
                )
    if discover:
        print(
            f"\nMATRIX {method} {endpoint}: "
            + " ".join(f"{a}/{s}={o}" for (a, s), o in seen.items())
        )
    assert not wrong, f"{method} {url_rule.rule}:\n  " + "\n  ".join(wrong)
