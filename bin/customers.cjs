#!/usr/bin/env node
'use strict';
// CommonJS on purpose: it starts faster than an ES module (see scripts/build.mjs).
const { main, outputFailed } = require('../dist/main.cjs');

// `customers list | head` (the reader has gone) stops quietly; `> /dev/full` is a message, not a stack trace.
process.stdout.on('error', (error) => process.exit(outputFailed(error)));

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
