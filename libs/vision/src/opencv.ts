import type * as OpenCv from '@techstark/opencv-js';

export type Cv = typeof OpenCv;

let loading: Promise<Cv> | null = null;

/**
 * opencv.js is a WASM build: the module object exists at once but its
 * functions only after the runtime has initialised. Loaded once per process.
 *
 * The module object carries an Emscripten `then()` that calls straight back;
 * handing it to a Promise's resolve would make the promise adopt it forever
 * (a busy loop), so it is removed once the runtime is ready.
 */
export function loadOpenCv(): Promise<Cv> {
  loading ??= new Promise<Cv>((resolve, reject) => {
    const mod = require('@techstark/opencv-js') as Cv | Promise<Cv>;
    if (mod instanceof Promise) return void mod.then((m) => resolve(unthen(m)), reject);
    const ready = () => resolve(unthen(mod));
    if ((mod as { Mat?: unknown }).Mat) return ready();
    (mod as unknown as { onRuntimeInitialized: () => void }).onRuntimeInitialized = ready;
  });
  return loading;
}

function unthen(m: Cv): Cv {
  delete (m as { then?: unknown }).then;
  return m;
}
