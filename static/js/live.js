// A websocket that reconnects by itself and says whether the page is live.

const CLOSE_UNAUTHENTICATED = 4401;
const CLOSE_NO_SUCH_RUN = 4404;
const STATUS_TEXT = { connecting: "connecting…", live: "live", reconnecting: "reconnecting…", offline: "offline" };

/** Show a socket's status on the page's badge, and as data-live on `root` (the tests wait on it). */
export function liveStatusShow(badge, root, status) {
  badge.dataset.state = status;
  badge.textContent = STATUS_TEXT[status];
  root.dataset.live = status;
}

export class LiveSocket {
  /**
   * @param {string} path e.g. "/ws/runs/"
   * @param {{onEvents: Function, onStatus?: Function, onOpen?: Function}} handlers
   *   onEvents(events): a batch of event records; onStatus("connecting"|"live"|"reconnecting"|"offline");
   *   onOpen(isReconnect): the socket is subscribed; after a reconnect the page fetches what it missed.
   */
  constructor(path, { onEvents, onStatus = () => {}, onOpen = () => {} }) {
    this.path = path;
    this.onEvents = onEvents;
    this.onStatus = onStatus;
    this.onOpen = onOpen;
    this.opens = 0;
    this.retryMs = 500;
    this.stopped = false;
    this.status = "connecting";
    this._waiters = [];
  }

  connect() {
    if (this.stopped) return;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    this._setStatus(this.opens ? "reconnecting" : "connecting");
    const ws = new WebSocket(`${scheme}://${location.host}${this.path}`);
    this.ws = ws;
    ws.onopen = () => {
      this.opens += 1;
      this.retryMs = 500;
      this._setStatus("live");
      this._waiters.splice(0).forEach((resolve) => resolve(true));
      this.onOpen(this.opens > 1);
      clearInterval(this._ping);
      this._ping = setInterval(() => this.send({ type: "ping", t: Date.now() }), 20000);
    };
    ws.onmessage = (message) => {
      let data;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      if (data && data.type === "events" && Array.isArray(data.events)) this.onEvents(data.events);
      else if (data && data.type === "error") console.warn("websocket:", data.error);
    };
    ws.onclose = (event) => {
      clearInterval(this._ping);
      if (this.stopped || ws !== this.ws) return;
      if (event.code === CLOSE_NO_SUCH_RUN) return this._setStatus("offline");
      // Logged out (or refused): keep trying, but slowly; a login in another tab brings it back.
      const delay = event.code === CLOSE_UNAUTHENTICATED ? 10000 : this.retryMs;
      this.retryMs = Math.min(this.retryMs * 2, 8000);
      this._setStatus("reconnecting");
      setTimeout(() => this.connect(), delay * (0.75 + Math.random() * 0.5));
    };
  }

  /** Resolves true once the socket is open, or false after timeoutMs. */
  waitOpen(timeoutMs = 2000) {
    if (this.status === "live") return Promise.resolve(true);
    return new Promise((resolve) => {
      this._waiters.push(resolve);
      setTimeout(() => resolve(false), timeoutMs);
    });
  }

  send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  /** Drop the connection as a network failure would (tests use it); the socket reconnects. */
  drop() {
    if (this.ws) this.ws.close(4000, "dropped on purpose");
  }

  stop() {
    this.stopped = true;
    clearInterval(this._ping);
    if (this.ws) this.ws.close();
  }

  _setStatus(status) {
    this.status = status;
    this.onStatus(status);
  }
}
