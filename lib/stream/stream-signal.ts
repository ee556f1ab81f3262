// One AbortController per request, created by whichever comes first: the interceptor
// (which aborts it) or @EventStreamSignal() (which hands its signal to the method).
const controllers = new WeakMap<object, AbortController>();

export function streamAbortController(request: object): AbortController {
  let controller = controllers.get(request);
  if (!controller) {
    controller = new AbortController();
    controllers.set(request, controller);
  }
  return controller;
}
