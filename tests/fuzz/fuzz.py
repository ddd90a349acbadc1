#!/usr/bin/env python3
"""Schema-driven fuzzing of the CaaS GraphQL API, as every role.

Reads the SDL from `schema.graphql` (introspection may be off), signs in as each demo role, lets
hypothesis-graphql generate queries and mutations (mostly schema-valid ones, some with one schema
violation), POSTs them to a running server and reports, per role, what came back. Started by
`scripts/fuzz`, which runs the server; run it by hand against any development server with
`python tests/fuzz/fuzz.py --url http://127.0.0.1:8080 --operations 200`.

A failure is: HTTP 5xx; an error whose `extensions.code` is INTERNAL (or INTERNAL_SERVER_ERROR), or
an error without a code; a 4xx without a typed error; a response that is not GraphQL JSON; a
response that shows internal details (driver, engine or panic text, source paths, internal URLs)
that the request did not itself contain; an answer slower than the server's request timeout; no
answer at all. Exit status: 0 no failure, 1 failures, 2 the harness could not set up.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timezone
from pathlib import Path
from urllib.parse import urlsplit

# Hypothesis keeps a cache folder; keep it out of the work tree.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "caas-fuzz-hypothesis"))

import graphql  # noqa: E402
import hypothesis_graphql  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis_graphql import nodes  # noqa: E402

REPO = Path(__file__).resolve().parents[2]

# The demo world (backend/src/seed/): every demo user's password, and the partner's API key.
DEMO_PASSWORD = "caas-demo"
DEMO_PARTNER_API_KEY = "caas_demopartner_k3y-for-the-demo-only-never-in-production"
# Role -> demo account (backend/src/seed/mod.rs, DEMO_USERS). None: no credentials.
ROLES: list[tuple[str, str | None]] = [
    ("anonymous", None),
    ("customer", "customer@demo.caas"),
    ("dealer", "dealer@demo.caas"),
    ("workshop", "workshop@demo.caas"),
    ("support", "support@demo.caas"),
    ("partner", None),  # X-Api-Key
    ("admin", "admin@demo.caas"),
]
DEMO_EMAILS = [
    "admin@demo.caas",
    "support@demo.caas",
    "dealer@demo.caas",
    "dealer2@demo.caas",
    "workshop@demo.caas",
    "customer@demo.caas",
    "customer2@demo.caas",
]

# Text that must never reach a client: driver and engine messages, panics, source locations and the
# addresses of the systems behind the server. Matched case-sensitively, except where (?i) says so.
LEAK_PATTERNS = [
    r"sqlx",
    r"(?i)sqlite",
    r"(?i)postgres",
    r"SeaORM",
    r"sea_orm",
    r"DbErr",
    r"panicked",
    r"RUST_BACKTRACE",
    r"stack backtrace",
    r"src/",
    r"\.rs:\d",
    r"http://127\.0\.0\.1",
    r"http://localhost",
    r"Connection refused",
    r"(?i)database is locked",
    r"tokio",
    r"async_graphql::",
    r"anyhow",
]
LEAK_RES = [(pattern, re.compile(pattern)) for pattern in LEAK_PATTERNS]
INTERNAL_CODES = {"INTERNAL", "INTERNAL_SERVER_ERROR"}
# 4xx statuses a client may get, each with a typed GraphQL error body.
EXPECTED_4XX = {400, 401, 403, 413, 429}


@dataclass
class Failure:
    role: str
    reason: str
    query: str
    variables: dict
    status: int | None
    excerpt: str
    elapsed_ms: float


@dataclass
class RoleStats:
    name: str
    operations: int = 0
    mutations: int = 0
    negative: int = 0
    status: Counter = field(default_factory=Counter)
    codes: Counter = field(default_factory=Counter)
    data: int = 0  # HTTP 200 with at least one root field answered: the resolvers did work
    failures: list[Failure] = field(default_factory=list)
    slowest_ms: float = 0.0
    relogins: int = 0


class Client:
    """POSTs GraphQL requests over keep-alive connections, one per thread."""

    def __init__(self, url: str, timeout: float):
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.path = (parts.path.rstrip("/") or "") + "/graphql"
        self.timeout = timeout
        self.local = threading.local()

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.local.conn = conn
            return conn, False
        return conn, True

    def _drop(self) -> None:
        conn = getattr(self.local, "conn", None)
        if conn is not None:
            conn.close()
        self.local.conn = None

    def post(self, body: bytes, headers: dict[str, str]) -> tuple[int | None, str, float, str | None]:
        """Returns (status, text, elapsed ms, transport error)."""
        all_headers = {"Content-Type": "application/json", "Accept": "application/json", **headers}
        for attempt in (1, 2):
            conn, reused = self._connection()
            start = time.perf_counter()
            try:
                conn.request("POST", self.path, body=body, headers=all_headers)
                response = conn.getresponse()
                text = response.read().decode("utf-8", errors="replace")
                elapsed = (time.perf_counter() - start) * 1000
                if response.getheader("connection", "").lower() == "close":
                    self._drop()
                return response.status, text, elapsed, None
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as err:
                self._drop()
                # A keep-alive connection the server closed while idle: try once on a new one.
                if reused and attempt == 1:
                    continue
                return None, "", (time.perf_counter() - start) * 1000, f"{type(err).__name__}: {err}"
            except (OSError, http.client.HTTPException) as err:
                self._drop()
                return None, "", (time.perf_counter() - start) * 1000, f"{type(err).__name__}: {err}"
        raise AssertionError("unreachable")

    def graphql(self, query: str, headers: dict[str, str], variables: dict | None = None) -> dict:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        status, text, _, error = self.post(body, headers)
        if error is not None:
            raise RuntimeError(f"no answer: {error}")
        try:
            return json.loads(text)
        except ValueError as err:
            raise RuntimeError(f"HTTP {status}, not JSON: {text[:300]}") from err


# --- credentials --------------------------------------------------------------------------------

LOGIN = """mutation Login($identifier: String!, $password: String!) {
  login(identifier: $identifier, password: $password) { accessToken user { id role } }
}"""


def login(client: Client, email: str) -> dict[str, str]:
    answer = client.graphql(LOGIN, {}, {"identifier": email, "password": DEMO_PASSWORD})
    payload = (answer.get("data") or {}).get("login")
    if not payload:
        raise RuntimeError(f"login as {email} failed: {json.dumps(answer)[:400]}")
    return {"Authorization": f"Bearer {payload['accessToken']}"}


def headers_for(client: Client, role: str, email: str | None, api_key: str) -> dict[str, str]:
    if role == "partner":
        return {"x-api-key": api_key}
    if email is None:
        return {}
    return login(client, email)


# --- values that hit the demo world -------------------------------------------------------------

HARVEST = {
    "admin": """{
      orders(first: 100) { pageInfo { endCursor } nodes { id number customer { id email } dealership { id }
        model { id code } vehicle { vin } payments { id } } }
      features(first: 100) { pageInfo { endCursor } nodes { code } }
      regions { code }
      models { id code }
      supportTickets(first: 100) { nodes { id activation { id } } }
      invoices(first: 100) { pageInfo { endCursor } nodes { id number } }
      notificationDeliveries(first: 100, status: SENT) { nodes { id recipient { id email } } }
    }""",
    "dealer": """{ stock(first: 100) { pageInfo { endCursor } nodes { vin } } me { id dealership { id } } }""",
    "workshop": """{ me { id workshop { id } } }""",
    "support": """{ notificationDeliveries(first: 100, status: FAILED) { nodes { id } } }""",
    "customer": """{ me { id } myVehicles(first: 100) { pageInfo { endCursor } nodes { vin activations { id payments { id } } } }
      notifications(first: 100) { pageInfo { endCursor } nodes { id } } myPaymentCard { last4 } }""",
    "partner": """{ features(first: 5) { nodes { code } } }""",
}
ID_KEYS = {"id"}
STRING_KEYS = {"vin", "code", "email", "number", "endCursor", "startCursor", "cursor"}


def collect(value, ids: set[str], strings: set[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                if key in ID_KEYS:
                    ids.add(item)
                elif key in STRING_KEYS:
                    strings.add(item)
            else:
                collect(item, ids, strings)
    elif isinstance(value, list):
        for item in value:
            collect(item, ids, strings)


# The second dealer's and customer's demo accounts are read too (they are not fuzzed as roles).
EXTRA_HARVEST = [("dealer", "dealer2@demo.caas"), ("customer", "customer2@demo.caas")]


def harvest(client: Client, credentials: dict[str, dict[str, str]]) -> tuple[list[str], list[str]]:
    """Real ids, VINs, codes, e-mails and cursors of the demo world, read as the roles who see them."""
    ids: set[str] = set()
    strings: set[str] = set(DEMO_EMAILS) | {"DE", "ES", "GB", "AURORA", "HEATED_SEATS", "pm_card_visa"}
    readers = [(role, credentials[role]) for role in HARVEST if role in credentials]
    for role, email in EXTRA_HARVEST:
        try:
            readers.append((role, login(client, email)))
        except RuntimeError as err:
            print(f"  (harvest: {err})")
    for role, headers in readers:
        try:
            answer = client.graphql(HARVEST[role], headers)
        except RuntimeError as err:
            print(f"  (harvest as {role} failed: {err})")
            continue
        for error in answer.get("errors") or []:
            print(f"  (harvest as {role}: {str(error.get('message'))[:120]})")
        collect(answer.get("data"), ids, strings)
    # Values that look like internal text would trip the leak check when a message echoes them.
    strings = {s for s in strings if not any(rx.search(s) for _, rx in LEAK_RES)}
    return sorted(ids), sorted(strings)


# --- strategies ---------------------------------------------------------------------------------


def json_values() -> st.SearchStrategy[graphql.ValueNode]:
    leaves = st.one_of(
        st.text(max_size=20).map(nodes.String),
        st.integers(-(2**31), 2**31 - 1).map(nodes.Int),
        st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
        st.booleans().map(nodes.Boolean),
        st.just(nodes.Null),
    )

    def fields(children):
        names = st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_]{0,12}\Z")
        return st.dictionaries(names, children, max_size=4).map(
            lambda d: nodes.Object(
                [graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=v) for k, v in d.items()]
            )
        )

    return st.recursive(
        leaves, lambda children: st.one_of(st.lists(children, max_size=4).map(nodes.List), fields(children)), max_leaves=8
    )


def custom_scalars(ids: list[str], strings: list[str]) -> dict[str, st.SearchStrategy[graphql.ValueNode]]:
    """Scalar strategies: the schema's custom scalars, and the built-in ones with real demo values mixed in."""
    known_strings = st.sampled_from(strings)
    text = st.text(alphabet=st.characters(codec="utf-8", blacklist_categories=["Cs"]))
    long_text = st.sampled_from([16, 17, 18, 255, 256, 4096, 70_000]).flatmap(
        lambda n: st.sampled_from("aZ9-é€").map(lambda ch: ch * n)
    )
    iso = st.datetimes(timezones=st.just(timezone.utc)).map(lambda d: d.isoformat().replace("+00:00", "Z"))
    near = st.integers(-400, 400).map(
        lambda days: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + days * 86_400))
    )
    scalars = {
        # Half the strings are real ones (VINs, codes, e-mails, cursors), so resolvers get past validation.
        "String": st.one_of(known_strings, known_strings, known_strings, text, text, long_text).map(nodes.String),
        "ID": st.one_of(
            st.sampled_from(ids).map(nodes.String) if ids else st.nothing(),
            st.uuids().map(nodes.String),
            text.map(nodes.String),
            st.integers(-(2**31), 2**31 - 1).map(nodes.Int),
        ),
        # Small numbers mostly: page sizes (0..100), days, amounts in cents.
        "Int": st.one_of(
            st.integers(-2, 120), st.integers(0, 1_000_000), st.integers(-(2**31), 2**31 - 1)
        ).map(nodes.Int),
        "DateTime": st.one_of(iso, near, text).map(nodes.String),
        "NaiveDate": st.one_of(st.dates().map(lambda d: d.isoformat()), near.map(lambda t: t[:10]), text).map(
            nodes.String
        ),
        "JSON": json_values(),
    }
    return scalars


def operations(schema: graphql.GraphQLSchema, scalars, negative_percent: int) -> st.SearchStrategy[tuple[str, bool]]:
    # Only the scalars the schema has (and the built-ins) are passed on.
    names = set(schema.type_map)
    scalars = {name: strategy for name, strategy in scalars.items() if name in names}
    missing = [
        name
        for name, type_ in schema.type_map.items()
        if isinstance(type_, graphql.GraphQLScalarType) and not name.startswith("__") and name not in scalars
        and name not in {"Float", "Boolean"}
    ]
    if missing:
        print(f"  note: no strategy for scalar(s) {', '.join(missing)}; hypothesis-graphql skips what needs them")
    positive = hypothesis_graphql.from_schema(schema, custom_scalars=scalars).map(lambda q: (q, False))
    negative = hypothesis_graphql.from_schema(
        schema, custom_scalars=scalars, mode=hypothesis_graphql.Mode.NEGATIVE
    ).map(lambda q: (q, True))
    return st.integers(0, 99).flatmap(lambda n: negative if n < negative_percent else positive)


# --- deep reads: every query root field, everything selected, with real arguments ---------------


def _argument(name: str, type_: graphql.GraphQLInputType, vins: list[str], ids: list[str]) -> str | None:
    """A literal for a required argument, or None when there is no sensible one."""
    type_ = graphql.get_nullable_type(type_)
    if isinstance(type_, graphql.GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, graphql.GraphQLList):
        return "[]"
    if isinstance(type_, graphql.GraphQLScalarType):
        if type_.name == "Boolean":
            return "false"
        if type_.name == "Int":
            return "10"
        if type_.name == "ID" and ids:
            return json.dumps(ids[0])
        if type_.name == "String":
            if "vin" in name.lower() and vins:
                return json.dumps(vins[0])
            if "region" in name.lower():
                return json.dumps("DE")
    return None


def _selection(type_: graphql.GraphQLNamedType, depth: int, vins: list[str], ids: list[str]) -> str:
    type_ = graphql.get_named_type(type_)
    if not isinstance(type_, (graphql.GraphQLObjectType, graphql.GraphQLInterfaceType)):
        return ""
    parts = []
    for name, fld in type_.fields.items():
        if name == "edges":  # `nodes` carries the same
            continue
        args = []
        for arg_name, arg in fld.args.items():
            if graphql.is_required_argument(arg):
                literal = _argument(arg_name, arg.type, vins, ids)
                if literal is None:
                    break
                args.append(f"{arg_name}: {literal}")
        else:
            arg_text = f"({', '.join(args)})" if args else ""
            target = graphql.get_named_type(fld.type)
            if isinstance(target, (graphql.GraphQLObjectType, graphql.GraphQLInterfaceType)):
                if depth > 0:
                    inner = _selection(target, depth - 1, vins, ids)
                    if inner:
                        parts.append(f"{name}{arg_text} {{ {inner} }}")
            else:
                parts.append(f"{name}{arg_text}")
    return " ".join(parts)


def deep_reads(schema: graphql.GraphQLSchema, ids: list[str], strings: list[str], depth: int = 4) -> list[str]:
    """One query per root field (per real VIN or id for those that take one), selecting every field."""
    vins = [v for v in strings if re.fullmatch(r"[A-HJ-NPR-Z0-9]{17}", v)]
    queries = []
    for name, fld in schema.query_type.fields.items():
        required = [a for a, arg in fld.args.items() if graphql.is_required_argument(arg)]
        choices: list[tuple[list[str], list[str]]] = [(vins, ids)]
        if any("vin" in a.lower() for a in required):
            choices = [([v], ids) for v in vins[:6]]
        elif any(graphql.get_named_type(fld.args[a].type).name == "ID" for a in required):
            choices = [(vins, [i]) for i in ids[:40]]
        elif any(isinstance(graphql.get_named_type(fld.args[a].type), graphql.GraphQLEnumType) for a in required):
            enum_arg = next(a for a in required if isinstance(graphql.get_named_type(fld.args[a].type), graphql.GraphQLEnumType))
            values = list(graphql.get_named_type(fld.args[enum_arg].type).values)
            for value in values:
                inner = _selection(fld.type, depth, vins, ids)
                others = [f"{a}: {_argument(a, fld.args[a].type, vins, ids)}" for a in required if a != enum_arg]
                queries.append(f"{{ {name}({', '.join([f'{enum_arg}: {value}'] + others)}) {{ {inner} }} }}")
            continue
        for some_vins, some_ids in choices:
            args = []
            for a in required:
                literal = _argument(a, fld.args[a].type, some_vins, some_ids)
                if literal is None:
                    break
                args.append(f"{a}: {literal}")
            else:
                arg_text = f"({', '.join(args)})" if args else ""
                inner = _selection(fld.type, depth, some_vins, some_ids)
                queries.append(f"{{ {name}{arg_text} {{ {inner} }} }}" if inner else f"{{ {name}{arg_text} }}")
    return queries


# --- judging an answer ----------------------------------------------------------------------------


def judge(status: int | None, text: str, elapsed_ms: float, error: str | None, request_text: str,
          own_base: str, timeout_ms: float) -> tuple[list[str], list[str]]:
    """Returns (failure reasons, error codes)."""
    reasons: list[str] = []
    codes: list[str] = []
    if error is not None:
        return [f"no answer ({error})"], codes
    if elapsed_ms > timeout_ms:
        reasons.append(f"slower than the request timeout ({elapsed_ms:.0f} ms)")
    if status is not None and status >= 500:
        reasons.append(f"HTTP {status}")
    body = None
    try:
        body = json.loads(text)
    except ValueError:
        pass
    if not isinstance(body, dict) or not ("data" in body or "errors" in body):
        reasons.append(f"HTTP {status}: not a GraphQL JSON response")
    else:
        errors = body.get("errors") or []
        if not isinstance(errors, list):
            reasons.append("`errors` is not a list")
            errors = []
        for err in errors:
            code = ((err or {}).get("extensions") or {}).get("code") if isinstance(err, dict) else None
            if not isinstance(code, str):
                reasons.append(f"error without extensions.code: {str(err)[:120]}")
                continue
            codes.append(code)
            if code in INTERNAL_CODES:
                reasons.append(f"extensions.code {code}")
        if status is not None and 400 <= status < 500:
            if status not in EXPECTED_4XX:
                reasons.append(f"unexpected HTTP {status}")
            elif not codes:
                reasons.append(f"HTTP {status} without a typed error")
    # The server's own public URL legitimately appears in e-mail links (set-password, reset).
    scanned = text.replace(own_base, "<server>") if own_base else text
    for pattern, rx in LEAK_RES:
        match = rx.search(scanned)
        if match and not rx.search(request_text):
            start = max(0, match.start() - 60)
            reasons.append(f"internal detail {pattern!r}: …{scanned[start:match.end() + 60]}…")
    # Several errors of one kind count once.
    return list(dict.fromkeys(reasons)), codes


def answered(text: str) -> bool:
    try:
        data = json.loads(text).get("data")
    except (ValueError, AttributeError):
        return False
    return isinstance(data, dict) and any(value is not None for value in data.values())


# --- the run --------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("FUZZ_URL", "http://127.0.0.1:8080"))
    parser.add_argument("--schema", default=str(REPO / "schema.graphql"))
    parser.add_argument("--operations", type=int, default=int(os.environ.get("FUZZ_OPERATIONS", "1000")))
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed (printed when not given)")
    parser.add_argument("--derandomize", action="store_true", help="hypothesis derandomize: the same operations every run")
    parser.add_argument("--negative-percent", type=int, default=15,
                        help="share of operations with one schema violation (hypothesis-graphql NEGATIVE mode)")
    parser.add_argument("--concurrency", type=int, default=2, help="requests in flight while the next is generated")
    parser.add_argument("--request-timeout", type=float, default=float(os.environ.get("CAAS_REQUEST_TIMEOUT", "30")),
                        help="the server's request timeout in seconds: a slower answer is a failure")
    parser.add_argument("--api-key", default=os.environ.get("FUZZ_PARTNER_API_KEY", DEMO_PARTNER_API_KEY))
    parser.add_argument("--roles", default=",".join(name for name, _ in ROLES), help="comma-separated subset")
    parser.add_argument("--show", type=int, default=20, help="failing operations printed at most")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    parser.add_argument("--log", default=None, help="write every operation and its answer to this JSON-lines file")
    args = parser.parse_args()

    seed = args.seed if args.seed is not None else random.randrange(2**32)
    timeout_ms = args.request_timeout * 1000
    client = Client(args.url, timeout=args.request_timeout + 15)
    own_base = args.url.rstrip("/")
    schema = graphql.build_schema(Path(args.schema).read_text(encoding="utf-8"))
    wanted = [r.strip() for r in args.roles.split(",") if r.strip()]
    roles = [(name, email) for name, email in ROLES if name in wanted]
    if not roles:
        print("no role selected", file=sys.stderr)
        return 2

    print(f"fuzzing {args.url}/graphql: {args.operations} operations over {len(roles)} roles, seed {seed}")
    try:
        credentials = {name: headers_for(client, name, email, args.api_key) for name, email in roles}
        for name, _ in roles:
            if name == "anonymous":
                continue
            probe = "{ features(first: 1) { nodes { code } } }" if name == "partner" else "{ me { role } }"
            answer = client.graphql(probe, credentials[name])
            if answer.get("errors"):
                raise RuntimeError(f"the {name} credentials do not work: {json.dumps(answer)[:300]}")
    except RuntimeError as err:
        print(f"setup failed: {err}", file=sys.stderr)
        return 2
    ids, strings = harvest(client, credentials)
    deep_failures: list[Failure] = []
    print(f"  demo values mixed into generation: {len(ids)} ids, {len(strings)} strings (VINs, codes, e-mails, cursors)")
    strategy = operations(schema, custom_scalars(ids, strings), args.negative_percent)

    reads = deep_reads(schema, ids, strings)
    deep: dict[str, list[int]] = {}
    for name, _ in roles:
        answered_reads = 0
        for query in reads:
            body = json.dumps({"query": query, "variables": {}}).encode()
            status, text, elapsed, error = client.post(body, credentials[name])
            reasons, _ = judge(status, text, elapsed, error, query, own_base, timeout_ms)
            answered_reads += status == 200 and answered(text)
            if reasons:
                deep_failures.append(Failure(name, "[deep read] " + "; ".join(reasons), query, {}, status, text[:600], elapsed))
        deep[name] = [len(reads), answered_reads]
    print("  deep reads (every query field, all fields selected, real arguments), answered/sent: "
          + ", ".join(f"{name} {a}/{n}" for name, (n, a) in deep.items()))

    budget = {name: args.operations // len(roles) for name, _ in roles}
    for name, _ in roles[: args.operations % len(roles)]:
        budget[name] += 1

    stats = {name: RoleStats(name) for name, _ in roles}
    for failure in deep_failures:
        stats[failure.role].failures.append(failure)
    lock = threading.Lock()
    pool = ThreadPoolExecutor(max_workers=max(1, args.concurrency))
    harness_errors: list[str] = []
    log = open(args.log, "w", encoding="utf-8") if args.log else None
    started = time.perf_counter()

    for index, (name, email) in enumerate(roles):
        role = stats[name]
        headers = {"current": credentials[name]}
        if email is not None and name != "partner":
            headers["current"] = login(client, email)  # a fresh session for this role's share
        pending: list[Future] = []

        def send(query: str, negative: bool, role=role, headers=headers, email=email) -> None:
            body = json.dumps({"query": query, "variables": {}}).encode()
            status, text, elapsed, error = client.post(body, headers["current"])
            reasons, codes = judge(status, text, elapsed, error, query, own_base, timeout_ms)
            with lock:
                role.operations += 1
                role.mutations += query.lstrip().startswith("mutation")
                role.negative += negative
                role.status[status if status is not None else "none"] += 1
                role.codes.update(codes)
                role.slowest_ms = max(role.slowest_ms, elapsed)
                if status == 200 and answered(text):
                    role.data += 1
                if log is not None:
                    log.write(json.dumps({"role": role.name, "negative": negative, "status": status,
                                          "ms": round(elapsed), "codes": codes, "reasons": reasons,
                                          "query": query[:2000], "response": text[:1000]}) + "\n")
                if reasons:
                    role.failures.append(Failure(role.name, "; ".join(reasons), query, {}, status, text[:600], elapsed))
            # A generated mutation may end the session (e.g. a password change): sign in again.
            if status == 401 and email is not None and role.name != "partner":
                try:
                    fresh = login(client, email)
                except RuntimeError:
                    return
                with lock:
                    headers["current"] = fresh
                    role.relogins += 1

        def body(op: tuple[str, bool]) -> None:
            query, negative = op
            try:
                while len(pending) >= 4 * args.concurrency:
                    pending.pop(0).result()
                pending.append(pool.submit(send, query, negative))
            except Exception:  # a harness bug must not become a hypothesis failure (and a shrink)
                harness_errors.append(traceback.format_exc())

        remaining = budget[name]
        rounds = 0
        while remaining > 0 and rounds < 5:
            rounds += 1
            before = role.operations + len(pending)
            test = settings(
                max_examples=remaining,
                database=None,
                deadline=None,
                derandomize=args.derandomize,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
                print_blob=False,
            )(given(strategy)(body))
            if not args.derandomize:
                test = hypothesis_seed(seed + index * 1000 + rounds)(test)
            try:
                test()
            except Exception:
                harness_errors.append(traceback.format_exc())
                break
            for future in pending:
                future.result()
            pending.clear()
            remaining -= role.operations - before
        print(f"  {name}: {role.operations} operations", flush=True)

    pool.shutdown(wait=True)
    if log is not None:
        log.close()
    wall = time.perf_counter() - started
    report(stats, wall, args.show, harness_errors)
    failures = sum(len(s.failures) for s in stats.values())
    if args.json:
        Path(args.json).write_text(json.dumps({
            "seed": seed, "wall_seconds": round(wall, 1),
            "roles": {n: {"operations": s.operations, "mutations": s.mutations, "negative": s.negative,
                          "status": {str(k): v for k, v in s.status.items()}, "codes": dict(s.codes),
                          "data": s.data, "failures": len(s.failures), "slowest_ms": round(s.slowest_ms),
                          "relogins": s.relogins} for n, s in stats.items()},
            "failures": [f.__dict__ for s in stats.values() for f in s.failures],
        }, indent=2))
    if harness_errors:
        return 2
    return 1 if failures else 0


def report(stats: dict[str, RoleStats], wall: float, show: int, harness_errors: list[str]) -> None:
    header = f"{'role':<10} {'ops':>6} {'mut':>5} {'2xx':>6} {'4xx':>5} {'429':>5} {'5xx':>5} {'none':>5} {'data':>6} {'fail':>5} {'slowest ms':>11}"
    print()
    print(header)
    print("-" * len(header))
    total = RoleStats("total")
    for s in stats.values():
        two = sum(v for k, v in s.status.items() if isinstance(k, int) and 200 <= k < 300)
        four = sum(v for k, v in s.status.items() if isinstance(k, int) and 400 <= k < 500 and k != 429)
        five = sum(v for k, v in s.status.items() if isinstance(k, int) and k >= 500)
        print(f"{s.name:<10} {s.operations:>6} {s.mutations:>5} {two:>6} {four:>5} {s.status[429]:>5} {five:>5} "
              f"{s.status['none']:>5} {s.data:>6} {len(s.failures):>5} {s.slowest_ms:>11.0f}")
        total.operations += s.operations
        total.mutations += s.mutations
        total.status.update(s.status)
        total.codes.update(s.codes)
        total.data += s.data
        total.failures.extend(s.failures)
        total.slowest_ms = max(total.slowest_ms, s.slowest_ms)
        total.relogins += s.relogins
    print("-" * len(header))
    s = total
    two = sum(v for k, v in s.status.items() if isinstance(k, int) and 200 <= k < 300)
    four = sum(v for k, v in s.status.items() if isinstance(k, int) and 400 <= k < 500 and k != 429)
    five = sum(v for k, v in s.status.items() if isinstance(k, int) and k >= 500)
    print(f"{'total':<10} {s.operations:>6} {s.mutations:>5} {two:>6} {four:>5} {s.status[429]:>5} {five:>5} "
          f"{s.status['none']:>5} {s.data:>6} {len(s.failures):>5} {s.slowest_ms:>11.0f}")
    rate = s.operations / wall if wall else 0
    print(f"\n{s.operations} operations in {wall:.1f} s ({rate:.1f}/s); error codes: "
          + ", ".join(f"{code} {n}" for code, n in s.codes.most_common()))
    if s.relogins:
        print(f"signed in again {s.relogins} time(s) after a generated mutation ended the session")
    print("columns: mut = mutations, none = no answer, data = HTTP 200 with at least one root field answered,\n"
          "         fail = failing operations (the deep reads' included)")
    if s.failures:
        print(f"\n{len(s.failures)} failing operation(s); the first {min(show, len(s.failures))}:")
        for number, f in enumerate(s.failures[:show], 1):
            print(f"\n--- #{number} [{f.role}] {f.reason} (HTTP {f.status}, {f.elapsed_ms:.0f} ms)")
            print(f.query if len(f.query) < 4000 else f.query[:4000] + "\n…(cut)")
            print(f"variables: {json.dumps(f.variables)}")
            print(f"response: {f.excerpt}")
    for error in harness_errors[:3]:
        print(f"\nharness error:\n{error}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
