"""Connected clients for the latency phase, in a process of their own (so the load generator does not
share their event loop or their GIL).

    python -m bench.clients ws  --url ws://127.0.0.1:P/ws/runs/ --cookie sessionid=... --clients 20 --out F
    python -m bench.clients raw --redis-url redis://... --group G --clients 20 --out F
    python -m bench.clients send --redis-url redis://... --group G --rate R --count N --events K

`ws` and `raw` print "ready" once every client is connected, record the arrival time of every message
until a line "stop" arrives on stdin, then write what they received to --out and print "done".
`send` is the raw baselines' load: `count` group_send calls at `rate` per second from one event loop
(to channel-layer subscribers of `raw`, or to websocket clients of `bench.raw_asgi` under daphne).
"""

import argparse
import asyncio
import json
import sys
import time
import uuid

CHANNEL_CAPACITY = 1000
CHANNEL_EXPIRY = 30


def layer_new(redis_url: str):
    from channels_redis.core import RedisChannelLayer

    return RedisChannelLayer(hosts=[redis_url], capacity=CHANNEL_CAPACITY, expiry=CHANNEL_EXPIRY)


async def _stop_wait() -> None:
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line or line.strip() == "stop":
            return


async def ws_clients(args) -> list[list]:
    from websockets.asyncio.client import connect

    received = [[] for _ in range(args.clients)]
    headers = {"Cookie": args.cookie, "Origin": args.origin}
    connections = []
    for _ in range(args.clients):
        connections.append(await connect(args.url, additional_headers=headers, max_size=None, open_timeout=20))

    async def listen(index, websocket):
        log = received[index]
        try:
            async for text in websocket:
                log.append((time.time(), text))
        except Exception as error:  # noqa: BLE001 - a closed connection ends this client's log
            log.append((time.time(), json.dumps({"bench_error": repr(error)})))

    tasks = [asyncio.create_task(listen(i, ws)) for i, ws in enumerate(connections)]
    tap_log, tap_task, layer = [], None, None
    if args.tap_redis_url:
        # One channel-layer subscriber of the same group beside the sockets: how long the records
        # take to reach the layer's subscribers, before daphne and the websockets.
        layer = layer_new(args.tap_redis_url)
        channel = await layer.new_channel()
        await layer.group_add(args.group, channel)

        async def tap():
            while True:
                message = await layer.receive(channel)
                tap_log.append([time.time(), message])

        tap_task = asyncio.create_task(tap())
    print("ready", flush=True)
    await _stop_wait()
    for websocket in connections:
        await websocket.close()
    await asyncio.gather(*tasks, return_exceptions=True)
    if tap_task:
        tap_task.cancel()
        await asyncio.gather(tap_task, return_exceptions=True)
        await layer.close_pools()
    logs = [[[arrival, json.loads(text)] for arrival, text in log] for log in received]
    return {"clients": logs, "tap": tap_log}


async def raw_clients(args) -> list[list]:
    layer = layer_new(args.redis_url)
    received = [[] for _ in range(args.clients)]
    channels = []
    for _ in range(args.clients):
        channel = await layer.new_channel()
        await layer.group_add(args.group, channel)
        channels.append(channel)

    async def listen(index, channel):
        log = received[index]
        while True:
            message = await layer.receive(channel)
            log.append([time.time(), message])

    tasks = [asyncio.create_task(listen(i, channel)) for i, channel in enumerate(channels)]
    print("ready", flush=True)
    await _stop_wait()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for channel in channels:
        await layer.group_discard(args.group, channel)
    await layer.close_pools()
    return received


def fake_events(count: int, sent_at: float) -> list[dict]:
    """Events shaped like the broadcaster's (record_json), so the raw messages have a realistic size."""
    at = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sent_at)) + f".{int(sent_at % 1 * 1e6):06d}+00:00"
    run_id = str(uuid.uuid4())
    return [
        {
            "run_id": run_id,
            "seq": index + 1,
            "service": "notifications",
            "kind": "message.sent",
            "step_id": "confirm_order",
            "message_id": str(uuid.uuid4()),
            "message_type": "OrderConfirmationSent",
            "payload": {"kind": "reply", "to": "orders", "attempt": 1, "delay_s": 0, "body": {"order_id": 1}},
            "at": at,
        }
        for index in range(count)
    ]


async def raw_send(args) -> dict:
    layer = layer_new(args.redis_url)
    began = time.monotonic()
    for index in range(args.count):
        pause = began + index / args.rate - time.monotonic()
        if pause > 0:
            await asyncio.sleep(pause)
        sent_at = time.time()
        events = fake_events(args.events, sent_at)
        message = {
            "type": "timeline.events",
            "id": index,
            "sent_at": sent_at,
            "events": events,
            # What a websocket client of bench.raw_asgi gets, shaped as our broadcaster's text.
            "text": json.dumps({"type": "events", "committed_at": sent_at, "id": index, "events": events}),
        }
        await layer.group_send(args.group, message)
    await layer.close_pools()
    return {"sent": args.count, "seconds": round(time.monotonic() - began, 3)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.clients")
    parser.add_argument("mode", choices=["ws", "raw", "send"])
    parser.add_argument("--url")
    parser.add_argument("--cookie", default="")
    parser.add_argument("--origin", default="http://127.0.0.1")
    parser.add_argument("--redis-url")
    parser.add_argument("--group", default="bench.raw")
    parser.add_argument("--tap-redis-url", help="ws: also subscribe one channel-layer channel to --group")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--events", type=int, default=3)
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    if args.mode == "send":
        print(json.dumps(asyncio.run(raw_send(args))), flush=True)
        return
    received = asyncio.run(ws_clients(args) if args.mode == "ws" else raw_clients(args))
    with open(args.out, "w") as out:
        json.dump(received, out)
    print("done", flush=True)


if __name__ == "__main__":
    main()
