// CommonJS shim for the sandboxed render processor: see analyze.processor.cjs.
module.exports = require('./render.processor');
