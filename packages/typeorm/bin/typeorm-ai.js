#!/usr/bin/env node
// Committed so npm links the bin at install, before `dist/` is built.
import '../dist/bin.js';
