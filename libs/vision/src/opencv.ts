import type * as OpenCv from '@techstark/opencv-js';

export type Cv = typeof OpenCv;

let loading: Promise<Cv> | null = null;

/**
 * opencv.js is a WASM build: the module object exists at once but its
 * functions only after the runtime has initialised. Loaded once per process.
 */
export function loadOpenCv(): Promise<Cv> {
  loading ??= new Promise<Cv>((resolve, reject) => {
    const mod = require('@techstark/opencv-js') as Cv | Promise<Cv>;
    if (mod instanceof Promise) return void mod.then(resolve, reject);
    if ((mod as { Mat?: unknown }).Mat) return resolve(mod);
    (mod as unknown as { onRuntimeInitialized: () => void }).onRuntimeInitialized = () => resolve(mod);
  });
  return loading;
}
