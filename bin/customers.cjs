#!/usr/bin/env node
'use strict';
// CommonJS on purpose: it starts faster than an ES module (see scripts/build.mjs).
const { main } = require('../dist/main.cjs');

// `customers list | head`: the reader has gone, so there is nobody left to tell; stop quietly.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
