#!/usr/bin/env node
import '../dist/fastnetstat.js';
