#!/usr/bin/env node
// Committed shim: npm links bins at install time, before `npm run build` creates dist/.
require('../dist/bin.js');
