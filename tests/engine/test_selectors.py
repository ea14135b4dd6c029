"""The API's run JSON and the websockets' event JSON must be the same, record for record."""

import uuid

from django.utils import timezone

from workflowviz.engine.models import EventRecord, Run
from workflowviz.engine.selectors import run_detail_json
from workflowviz.realtime.broadcast import record_json


def test_the_api_and_the_broadcast_describe_a_record_identically(db):
    run = Run.objects.create(pattern="choreography", design_slug="order-fulfilment", graph={"steps": []}, next_seq=3)
    records = EventRecord.objects.bulk_create(
        [
            EventRecord(
                run=run, seq=1, service="orders", kind="run.started", payload={"a": [1, "x"]}, at=timezone.now()
            ),
            EventRecord(
                run=run, seq=2, service="bus", kind="message.sent", step_id="s", message_id=uuid.uuid4(),
                message_type="OrderPlaced", payload={"to": "sellers"}, at=timezone.now(),
            ),
        ]
    )  # fmt: skip
    fetched = {record.seq: record for record in EventRecord.objects.filter(run=run)}
    assert run_detail_json(run)["events"] == [record_json(fetched[record.seq]) for record in records]
    assert [event["seq"] for event in run_detail_json(run, after_seq=1)["events"]] == [2]
