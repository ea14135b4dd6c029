// A step's status as a colour, on the timeline's bars and the design graph's nodes (always with a sign or
// a border style beside it: never colour alone).

export const STATUS_COLORS = {
  queued: "#9aa5b4",
  started: "#2f6fd6",
  succeeded: "#23915a",
  failed: "#d23f3f",
  retried: "#e08a1e",
  waiting: "#c9a227", // waiting for capacity: no room yet, it asks again
  retrying: "#e08a1e",
  timed_out: "#e08a1e",
  cancelled: "#7d838c",
  compensating: "#8a55d0",
  compensated: "#8a55d0",
  skipped: "#b8bec7",
  pending: "#c9ced6",
};
