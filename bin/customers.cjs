#!/usr/bin/env node
'use strict';
// CommonJS on purpose: it starts faster than an ES module (see scripts/build.mjs).
const { loadBundle } = require('./code-cache.cjs');

// dist/main.cjs through V8's code cache (./code-cache.cjs).
const bundle = loadBundle(require('node:path').join(__dirname, '../dist/main.cjs'));
const { main, outputFailed } = bundle.exports;

// `customers list | head` (the reader has gone) stops quietly; `> /dev/full` is a message, not a stack trace.
process.stdout.on('error', (error) => process.exit(outputFailed(error)));

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  bundle.save();
});
