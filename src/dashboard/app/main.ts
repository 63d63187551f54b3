/// <reference lib="dom" />
/**
 * The dashboard's browser entry, bundled by esbuild (src/dashboard/bundleDashboard.ts) with its CSS and uPlot's.
 */
import 'uplot/dist/uPlot.min.css';
import './dashboard.css';
import { h, render } from 'preact';
import { App } from './App.js';
import { resolveNodeEndpoint } from './nodeEndpoint.js';

const root = document.getElementById('app');
if (root !== null) render(h(App, { endpoint: resolveNodeEndpoint(window.location) }), root);
