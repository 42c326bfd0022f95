// BullMQ loads sandboxed processors with import(), which bypasses the
// require hook that runs the worker's TypeScript from source (the child is
// forked with the parent's `-r @swc-node/register`). This CommonJS shim hands
// the load to require(), which resolves analyze.processor.ts from source and
// analyze.processor.js once built.
module.exports = require('./analyze.processor');
