#!/usr/bin/env node
import { main } from '../dist/main.js';

// `customers list | head`: the reader has gone, so there is nobody left to tell; stop quietly.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
