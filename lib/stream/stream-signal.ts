// One AbortController per request, made when it is first asked for: by
// @EventStreamSignal() (which hands its signal to the method) or when the stream ends
// (which aborts it). A stream whose method takes no signal holds none.
const controllers = new WeakMap<object, AbortController>();

export function streamAbortController(request: object): AbortController {
  let controller = controllers.get(request);
  if (!controller) {
    controller = new AbortController();
    controllers.set(request, controller);
  }
  return controller;
}

/** The stream is over: its signal aborts (at once, if the method asks for it later). */
export function abortStreamSignal(request: object): void {
  streamAbortController(request).abort();
}
