"""One vocabulary: every record kind the browser's scripts name is one the engine writes, and the pages get
the engine's own list (so the two cannot drift apart unnoticed)."""

import re
from pathlib import Path

import pytest

from workflowviz.engine.vocabulary import PAYLOADS, BadRecord, RecordKind, record_payload_check, vocabulary_json

STATIC_JS = Path(__file__).resolve().parent.parent / "static" / "js"
KIND_LITERAL = re.compile(r"""["'`]((?:run|step|message|event|join|end|coordinator|operator)\.[a-z_]+)["'`]""")


def test_every_record_kind_a_script_names_is_one_the_engine_writes():
    named = {match for path in STATIC_JS.rglob("*.js") for match in KIND_LITERAL.findall(path.read_text())}
    assert named, "the scripts name no record kind: the pattern no longer finds them"
    assert named - {str(kind) for kind in RecordKind} == set()


def test_the_pages_get_every_kind_with_its_fields():
    kinds = vocabulary_json()["record_kinds"]
    assert set(kinds) == {str(kind) for kind in RecordKind} == {str(kind) for kind in PAYLOADS}
    assert kinds["step.succeeded"]["fields"] == ["attempt", "event", "ms", "result", "started_at", "visit"]


@pytest.mark.parametrize(
    ("kind", "payload"),
    [("step.exploded", {}), ("step.started", {}), ("step.started", {"attempt": 1, "colour": "red"})],
)
def test_a_record_that_breaks_its_kinds_promise_is_refused(kind, payload):
    with pytest.raises(BadRecord):
        record_payload_check(kind, payload)
