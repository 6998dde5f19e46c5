// The core of a disabled instance (`load(writeKey, {disable: true})`, analytics.js's NullAnalytics): the
// same methods as the wasm core, doing nothing. No wasm is fetched, no event is built or sent, nothing is
// stored; callbacks still run (with a null context, as for any call that produces no event).

const EMPTY_STATE = '{"pending":0,"inFlight":0,"delivered":0,"dropped":0,"offline":false}';

export const NULL_CORE = {
  /** Why a call on this core sends nothing (the dropped Context's reason). */
  inert_: 'the library is disabled, not in a browser, or failed to load',
  build_() {},
  enqueue_() {},
  flush_() {},
  queueState_: () => EMPTY_STATE,
  takeWarnings_: () => '',
  onDrop_() {},
  identity_() {},
  setIdentity_() {},
  reset_() {},
};

/** analytics.js's `disable` option: `true`, or a function (given the CDN settings; we have none: `{}`). */
export async function isDisabled(options) {
  const disable = options && options.disable;
  try {
    return disable === true || (typeof disable === 'function' && (await disable({})) === true);
  } catch (e) {
    return false;
  }
}
