// The run page: a run of this server, drawn live (run_view.js) from the API and its websocket.
//
// Order matters for "nothing missing": subscribe first, then fetch the run, then apply records as
// they come; a gap in `seq`, a reconnect or a quiet spell makes the store fetch what it lacks.

import { LiveSocket, liveStatusShow } from "./live.js";
import { apiSource } from "./run_store.js";
import { runViewMount } from "./run_view.js";
import { testHooksExpose } from "./dom.js";
import { RunActions } from "./run_actions.js";

const root = document.getElementById("run-page");
const runId = root.dataset.runId;
const orderId = Number.parseInt(root.dataset.orderId, 10) || null;
const liveBadge = document.getElementById("live");

const actions = new RunActions(document.getElementById("run-actions"), runId);
const page = runViewMount(root, {
  runId,
  orderId,
  source: apiSource(runId),
  onStatus: (status) => actions.statusShow(status),
});
const { view } = page;

const socket = new LiveSocket(`/ws/runs/${runId}/`, {
  onEvents: (events) => view.receive(events),
  onStatus: (status) => liveStatusShow(liveBadge, root, status),
  onOpen: (reconnect) => {
    if (view.store.loaded) view.store.fill(reconnect ? "reconnect" : "subscribed");
  },
});

testHooksExpose({
  view,
  socket,
  get replay() {
    return page.replay;
  },
  get graph() {
    return page.graph;
  },
});
// Subscribe and fetch at the same time; once both are done, one more fetch covers whatever was
// committed after the first fetch read the records and before the subscription began.
page.start({
  beforeLoad: () => socket.connect(),
  afterLoad: () => {
    if (socket.status === "live") view.store.fill("subscribed"); // else onOpen does it
  },
});
